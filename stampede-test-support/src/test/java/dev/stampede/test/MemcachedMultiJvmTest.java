package dev.stampede.test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Separate JVM processes against one real memcached: each cold key is loaded once
 * across all of them.
 */
class MemcachedMultiJvmTest {

	private static final int JVMS = 3;

	private static final int THREADS = 16;

	private static final int ROUNDS = 5;

	private static final Pattern ROUND = Pattern
		.compile("ROUND (\\d+) loads=(\\d+) callers=(\\d+) late=(\\w+) values=(.*)");

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Test
	void threeJvmsMakeOneLoaderCallPerColdKey() throws Exception {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		String keyPrefix = "cold-" + UUID.randomUUID();
		long firstRound = System.currentTimeMillis() + 6000;
		List<Process> processes = new ArrayList<>();
		for (int i = 0; i < JVMS; i++) {
			processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					MultiJvmCaller.class.getName(), memcached.server().address(), "jvm" + i,
					Integer.toString(THREADS), Integer.toString(ROUNDS), Long.toString(firstRound), keyPrefix)
				.redirectErrorStream(true)
				.start());
		}
		Map<Integer, Integer> loadsPerRound = new HashMap<>();
		Map<Integer, Set<String>> valuesPerRound = new HashMap<>();
		Map<Integer, Integer> callersPerRound = new HashMap<>();
		int lateRounds = 0;
		for (Process process : processes) {
			try {
				assertThat(process.waitFor(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				assertThat(process.exitValue()).as(output).isZero();
				Matcher matcher = ROUND.matcher(output);
				while (matcher.find()) {
					int round = Integer.parseInt(matcher.group(1));
					loadsPerRound.merge(round, Integer.parseInt(matcher.group(2)), Integer::sum);
					callersPerRound.merge(round, Integer.parseInt(matcher.group(3)), Integer::sum);
					valuesPerRound.computeIfAbsent(round, (r) -> new HashSet<>()).addAll(List.of(matcher.group(5).split(",")));
					lateRounds += Boolean.parseBoolean(matcher.group(4)) ? 1 : 0;
				}
			}
			finally {
				process.destroyForcibly();
			}
		}
		assertThat(loadsPerRound).hasSize(ROUNDS);
		assertThat(loadsPerRound.values()).as("loader calls per round across %d JVMs", JVMS).containsOnly(1);
		assertThat(callersPerRound.values()).containsOnly(JVMS * THREADS);
		assertThat(valuesPerRound.values()).allSatisfy((values) -> assertThat(values).hasSize(1));
		// A JVM that started after its round's instant would find the value cached and prove nothing.
		assertThat(lateRounds).as("rounds a JVM joined late").isZero();
	}

}
