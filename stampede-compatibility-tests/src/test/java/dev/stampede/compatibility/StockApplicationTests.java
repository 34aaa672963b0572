package dev.stampede.compatibility;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.stampede.compatibility.StockApplication.Stock;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter in an application of the Boot line under test, across three JVMs on one
 * real memcached: one load for a cold stampede, and the health indicator, endpoint and
 * meters over HTTP.
 */
class StockApplicationTests {

	private static final int CHILD_JVMS = 2;

	private static final int THREADS = 16;

	private static final Pattern RESULT = Pattern.compile("LOADS (\\d+) CALLERS (\\d+) VALUES \\[(.*)]");

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void threeJvmsMakeOneLoadForAColdKeyAndActuatorShowsStampede() throws Exception {
		String key = "sku-" + UUID.randomUUID();
		List<Process> children = new ArrayList<>();
		SpringApplication application = new SpringApplication(StockApplication.class);
		try (ConfigurableApplicationContext context = application.run("--server.port=0",
				"--stampede.backend=memcached", "--stampede.memcached.servers=" + memcached.server().address(),
				"--management.endpoints.web.exposure.include=health,metrics,stampede",
				"--management.endpoint.health.show-details=always", "--management.endpoint.stampede.access=read-only",
				"--spring.main.banner-mode=off")) {
			for (int i = 0; i < CHILD_JVMS; i++) {
				children.add(child(key));
			}
			List<BufferedReader> outputs = new ArrayList<>();
			for (Process child : children) {
				BufferedReader output = new BufferedReader(
						new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
				assertThat(readUntil(output, StockApplication.READY)).as("a child JVM started").isNotNull();
				outputs.add(output);
			}

			Stock stock = context.getBean(Stock.class);
			List<String> here = StockApplication.callAtOnce(stock, key, THREADS,
					() -> children.forEach(StockApplicationTests::go));
			Set<String> values = new HashSet<>(here);
			int loads = stock.loads();
			int callers = here.size();
			for (BufferedReader output : outputs) {
				String line = readUntil(output, "LOADS ");
				assertThat(line).as("a child JVM's result").isNotNull();
				Matcher result = RESULT.matcher(line);
				assertThat(result.matches()).as(line).isTrue();
				loads += Integer.parseInt(result.group(1));
				callers += Integer.parseInt(result.group(2));
				values.addAll(List.of(result.group(3).split(", ")));
			}
			assertThat(callers).isEqualTo((CHILD_JVMS + 1) * THREADS);
			assertThat(loads).as("loads across %d JVMs on Spring Boot %s", CHILD_JVMS + 1, SpringBootVersion.getVersion())
				.isEqualTo(1);
			assertThat(values).as("values across JVMs").hasSize(1);

			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			assertThat(get(port, "/actuator/health/stampede")).contains("\"status\":\"UP\"")
				.contains("\"backend\":\"memcached\"")
				.contains("\"backendStatus\":\"UP\"");
			assertThat(get(port, "/actuator/stampede")).contains("\"stock\"");
			assertThat(get(port, "/actuator/metrics/stampede.calls?tag=cache:stock"))
				.contains("\"statistic\":\"COUNT\",\"value\":" + THREADS + ".0");
		}
		finally {
			children.forEach(Process::destroyForcibly);
		}
	}

	private Process child(String key) throws Exception {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StockApplication.class.getName(),
				memcached.server().address(), key, Integer.toString(THREADS))
			.redirectErrorStream(true)
			.start();
	}

	private String get(int port, String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return response.body();
	}

	/** Reads a child's output up to a line starting with the prefix, or its end. */
	private static String readUntil(BufferedReader output, String prefix) throws Exception {
		StringBuilder seen = new StringBuilder();
		String line;
		while ((line = output.readLine()) != null) {
			if (line.startsWith(prefix)) {
				return line;
			}
			seen.append(line).append('\n');
		}
		throw new AssertionError("a child JVM ended before printing " + prefix + ":\n" + seen);
	}

	private static void go(Process child) {
		try {
			Writer input = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
			input.write(StockApplication.GO + "\n");
			input.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
