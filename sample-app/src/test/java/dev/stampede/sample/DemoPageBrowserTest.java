package dev.stampede.sample;

import java.io.File;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page in real headless Chromium: a click fires the demo by one of its three
 * paths, and the page shows the database queries it cost and charts them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoPageBrowserTest {

	// Debian's packages by default; elsewhere set the environment variables.
	private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium");

	private static final String CHROMEDRIVER = System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");

	@Value("${local.server.port}")
	int port;

	private WebDriver browser;

	@BeforeEach
	void startBrowser() {
		assertThat(new File(CHROMIUM)).as("Chromium (apt-get install chromium, or run scripts/test.sh)").canRead();
		assertThat(new File(CHROMEDRIVER)).as("ChromeDriver (apt-get install chromium-driver)").canRead();
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking",
					"--disable-component-update", "--disable-sync");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void firingTheDemoShowsOneQueryProtectedOrThroughCacheableAndManyUnprotectedAndChartsThem() {
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(60));
		WebElement callers = this.browser.findElement(By.id("callers"));
		callers.clear();
		callers.sendKeys("30");
		this.browser.findElement(By.id("fire-protected")).click();
		WebElement protectedRun = wait.until((driver) -> driver.findElements(By.cssSelector("tr.run"))
			.stream()
			.findFirst()
			.orElse(null));
		assertThat(protectedRun.getAttribute("data-queries")).isEqualTo("1");
		callers.clear();
		callers.sendKeys("8");
		this.browser.findElement(By.id("fire-unprotected")).click();
		wait.until((driver) -> driver.findElements(By.cssSelector("tr.run")).size() == 2);
		WebElement unprotectedRun = this.browser.findElements(By.cssSelector("tr.run")).get(0);
		assertThat(Integer.parseInt(unprotectedRun.getAttribute("data-queries"))).isGreaterThan(1);
		callers.clear();
		callers.sendKeys("30");
		this.browser.findElement(By.id("fire-cacheable")).click();
		wait.until((driver) -> driver.findElements(By.cssSelector("tr.run")).size() == 3);
		WebElement cacheableRun = this.browser.findElements(By.cssSelector("tr.run")).get(0);
		assertThat(cacheableRun.getAttribute("data-variant")).isEqualTo("cacheable");
		assertThat(cacheableRun.getAttribute("data-queries")).isEqualTo("1");
		wait.until((driver) -> Integer.parseInt(driver.findElement(By.id("total-queries")).getText()) >= 2
				&& Integer.parseInt(driver.findElement(By.id("chart")).getAttribute("data-points")) >= 2);
		assertThat(Integer.parseInt(this.browser.findElement(By.id("total-waiters")).getText())).isPositive();
	}

}
