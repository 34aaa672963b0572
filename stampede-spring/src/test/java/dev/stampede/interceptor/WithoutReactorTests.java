package dev.stampede.interceptor;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reactor is an optional dependency: an application without it has its values and
 * futures protected as before.
 */
class WithoutReactorTests {

	@Test
	void valuesAndFuturesAreProtectedWithoutReactorOnTheClassPath() throws Exception {
		ClassLoader withoutReactor = new HidingClassLoader(getClass().getClassLoader());
		assertThatExceptionOfType(ClassNotFoundException.class)
			.isThrownBy(() -> withoutReactor.loadClass("reactor.core.publisher.Mono"));
		Class<?> calls = withoutReactor.loadClass(ProtectedCalls.class.getName());
		assertThat(calls.getClassLoader()).isSameAs(withoutReactor);
		assertThat(((Callable<?>) calls.getDeclaredConstructor().newInstance()).call())
			.isEqualTo(List.of("value 1", "value 1", "future 2", "future 2", 2));
	}

	/** Runs inside the class loader without Reactor, so Stampede and Spring are loaded there too. */
	public static class ProtectedCalls implements Callable<List<Object>> {

		@Override
		public List<Object> call() {
			try (Stampede stampede = new Stampede(new LocalBackend(10))) {
				Service target = new Service();
				ProxyFactory factory = new ProxyFactory(target);
				factory.setProxyTargetClass(true);
				factory.addAdvice(new StampedeInterceptor(() -> stampede, null, null));
				Service service = (Service) factory.getProxy(getClass().getClassLoader());
				return List.of(service.find(1), service.find(1), service.future(2).join(), service.future(2).join(),
						target.calls.get());
			}
		}

	}

	public static class Service {

		final AtomicInteger calls = new AtomicInteger();

		@StampedeProtected(cache = "values")
		public String find(long id) {
			this.calls.incrementAndGet();
			return "value " + id;
		}

		@StampedeProtected(cache = "futures")
		public CompletableFuture<String> future(long id) {
			this.calls.incrementAndGet();
			return CompletableFuture.completedFuture("future " + id);
		}

	}

	/**
	 * Defines every class itself from its parent's class files, except the JDK's, and
	 * finds none of Reactor's or of Reactive Streams'.
	 */
	private static final class HidingClassLoader extends ClassLoader {

		HidingClassLoader(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.startsWith("reactor.") || name.startsWith("org.reactivestreams.")) {
				throw new ClassNotFoundException(name + " is hidden");
			}
			if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
					|| name.startsWith("sun.") || name.startsWith("com.sun.")) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				if (loaded == null) {
					loaded = define(name);
				}
				if (resolve) {
					resolveClass(loaded);
				}
				return loaded;
			}
		}

		private Class<?> define(String name) throws ClassNotFoundException {
			try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
				if (in == null) {
					throw new ClassNotFoundException(name);
				}
				byte[] bytes = in.readAllBytes();
				return defineClass(name, bytes, 0, bytes.length);
			}
			catch (IOException ex) {
				throw new ClassNotFoundException(name, ex);
			}
		}

	}

}
