package dev.stampede.backend;

/**
 * Receives the key events that any engine on a shared backend published.
 */
@FunctionalInterface
public interface KeyEventListener {

	/**
	 * Called on a backend thread; must return quickly.
	 * @param event what happened
	 * @param cache the key's cache
	 * @param key the backend key
	 */
	void onKeyEvent(KeyEvent event, String cache, String key);

}
