package dev.stampede.sample;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.stampede.annotation.StampedeProtected;
import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A protected {@code @Transactional} method on a pool of two connections: Stampede's
 * advice runs outside the transaction's, so callers that wait for the load or hit the
 * cache never take a connection.
 */
@SpringBootTest(properties = { "spring.datasource.hikari.maximum-pool-size=2",
		"spring.datasource.hikari.connection-timeout=250" })
class TransactionalMethodTests {

	@Autowired
	TransactionalProducts products;

	@Autowired
	CountingTransactionManager transactions;

	@Test
	void waitersAndHitsOpenNoTransactionOnAPoolOfTwoConnections() {
		int before = this.transactions.begun.get();
		List<CallResult> cold = Stampedes.run(50, () -> this.products.find(42));
		assertThat(cold).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(cold.get(0).value()).isInstanceOf(Optional.class).isNotEqualTo(Optional.empty());
		assertThat(cold).extracting(CallResult::value).containsOnly(cold.get(0).value());
		assertThat(this.transactions.begun.get() - before).isEqualTo(1);
		List<CallResult> warm = Stampedes.run(50, () -> this.products.find(42));
		assertThat(warm).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(this.transactions.begun.get() - before).isEqualTo(1);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Configuration {

		@Bean
		CountingTransactionManager transactionManager(DataSource dataSource) {
			return new CountingTransactionManager(dataSource);
		}

		@Bean
		TransactionalProducts transactionalProducts(ProductRepository repository) {
			return new TransactionalProducts(repository);
		}

	}

	static class CountingTransactionManager extends JdbcTransactionManager {

		final AtomicInteger begun = new AtomicInteger();

		CountingTransactionManager(DataSource dataSource) {
			super(dataSource);
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.begun.incrementAndGet();
			super.doBegin(transaction, definition);
		}

	}

	static class TransactionalProducts {

		private final ProductRepository repository;

		TransactionalProducts(ProductRepository repository) {
			this.repository = repository;
		}

		@Transactional(readOnly = true)
		@StampedeProtected(cache = "transactional-products", key = "#id")
		public Optional<Product> find(long id) {
			return this.repository.slowQuery(id);
		}

	}

}
