package io.ledgerstream.log.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.protocol.handlers.ProduceHandler;
import io.ledgerstream.log.storage.bookkeeper.BookKeeperPartitionLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker's package structure as rules: read from the top down, storage behind its interface. */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ledgerstream.log");
        // The rules below hold vacuously over nothing: make sure the classes they speak of are there.
        assertThat(main.contain(Broker.class) && main.contain(ProduceHandler.class)
                && main.contain(BookKeeperPartitionLog.class)).as("main classes imported").isTrue();
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.ledgerstream.log.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void protocolCodeDoesNotKnowTheStorage() {
        noClasses().that().resideInAnyPackage("io.ledgerstream.log.protocol..", "io.ledgerstream.log.network..")
                .should().dependOnClassesThat().resideInAPackage("io.ledgerstream.log.storage.bookkeeper..")
                .check(main);
    }

    @Test
    void onlyTheStorageUsesBookKeeper() {
        noClasses().that().resideOutsideOfPackage("io.ledgerstream.log.storage.bookkeeper..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.bookkeeper..")
                .check(main);
    }
}
