package dev.stampede.codec.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/** A class whose deserialization has a side effect, as the first link of a gadget chain has. */
public class Gadget implements Serializable {

	private static final long serialVersionUID = 1L;

	/** Whether any instance's {@code readObject} ran. */
	public static volatile boolean readObjectRan;

	private final String command;

	public Gadget(String command) {
		this.command = command;
	}

	private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
		readObjectRan = true;
		in.defaultReadObject();
	}

	@Override
	public String toString() {
		return "Gadget " + this.command;
	}

}
