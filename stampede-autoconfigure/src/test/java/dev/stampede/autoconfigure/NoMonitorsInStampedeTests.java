package dev.stampede.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.stampede.Stampede;
import dev.stampede.interceptor.StampedeInterceptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stampede's own main code holds no monitor and never waits on one: a virtual thread that
 * blocks inside {@code synchronized} or in {@code Object.wait} pins its carrier on Java
 * 21 to 23, and since Java 24 no runtime check would notice a monitor coming back. Every
 * class of stampede-core, stampede-spring and stampede-autoconfigure is read as bytecode
 * and any {@code synchronized} method, {@code monitorenter} or call of {@code wait} is
 * named by class and method.
 */
class NoMonitorsInStampedeTests {

	@ParameterizedTest
	@ValueSource(classes = { Stampede.class, StampedeInterceptor.class, StampedeAutoConfiguration.class })
	void theModuleHoldsNoMonitorAndWaitsOnNone(Class<?> ofModule) throws Exception {
		List<byte[]> classes = classFiles(ofModule);
		List<String> monitors = new ArrayList<>();
		for (byte[] bytes : classes) {
			new ClassReader(bytes).accept(new MonitorFinder(monitors), ClassReader.SKIP_DEBUG);
		}
		assertThat(classes).as("classes of the module of %s", ofModule.getName()).hasSizeGreaterThan(10);
		assertThat(monitors).as("monitors in the module of %s", ofModule.getName()).isEmpty();
	}

	// The classes the module's build produced: its classes directory in a reactor build, or its jar.
	private static List<byte[]> classFiles(Class<?> ofModule) throws IOException, URISyntaxException {
		Path location = Path.of(ofModule.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<byte[]> classes = new ArrayList<>();
		if (Files.isDirectory(location)) {
			try (Stream<Path> files = Files.walk(location)) {
				for (Path file : files.filter((path) -> path.toString().endsWith(".class")).toList()) {
					classes.add(Files.readAllBytes(file));
				}
			}
			return classes;
		}
		try (JarFile jar = new JarFile(location.toFile())) {
			for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
				JarEntry entry = entries.nextElement();
				if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
					try (InputStream in = jar.getInputStream(entry)) {
						classes.add(in.readAllBytes());
					}
				}
			}
		}
		return classes;
	}

	private static final class MonitorFinder extends ClassVisitor {

		private final List<String> found;

		private String className = "";

		MonitorFinder(List<String> found) {
			super(Opcodes.ASM9);
			this.found = found;
		}

		@Override
		public void visit(int version, int access, String name, String signature, String superName,
				String[] interfaces) {
			this.className = name.replace('/', '.');
		}

		@Override
		public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
				String[] exceptions) {
			String method = this.className + "." + name + descriptor;
			if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
				this.found.add("synchronized method " + method);
			}
			return new MethodVisitor(Opcodes.ASM9) {

				@Override
				public void visitInsn(int opcode) {
					if (opcode == Opcodes.MONITORENTER) {
						MonitorFinder.this.found.add("synchronized block in " + method);
					}
				}

				// Object.wait is final, so any call named wait with its descriptors is it, whatever the receiver's type.
				@Override
				public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
						boolean isInterface) {
					if (called.equals("wait") && (calledDescriptor.equals("()V") || calledDescriptor.equals("(J)V")
							|| calledDescriptor.equals("(JI)V"))) {
						MonitorFinder.this.found.add("Object.wait in " + method);
					}
				}

			};
		}

	}

}
