package io.ledgerstream.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ledgerstream.jobs.payments.PaymentsJob;
import io.ledgerstream.table.LedgerstreamCatalog;
import org.junit.jupiter.api.Test;

/** The Flink side reaches the broker only over the Kafka protocol: none of its classes use the broker's. */
class ModuleBoundariesTest {
    @Test
    void flinkModulesDoNotUseBrokerClasses() {
        JavaClasses flinkSide = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // Test jars (the connectors' PostgreSQL fixture is one) are tests too, whatever their path.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.ledgerstream.jobs", "io.ledgerstream.table", "io.ledgerstream.connectors");
        assertThat(flinkSide.contain(PaymentsJob.class) && flinkSide.contain(LedgerstreamCatalog.class))
                .as("flink-jobs and table-api classes imported").isTrue();
        noClasses().that().resideInAnyPackage("io.ledgerstream.jobs..", "io.ledgerstream.table..",
                        "io.ledgerstream.connectors..")
                .should().dependOnClassesThat().resideInAPackage("io.ledgerstream.log..")
                .check(flinkSide);
    }
}
