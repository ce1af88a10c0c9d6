package io.runcell.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency arrows of ARCHITECTURE.md, checked on the compiled classes of every module. */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.runcell");
    }

    @Test
    void driverSpiImportsOnlyTheJdk() {
        noClasses()
                .that()
                .resideInAPackage("io.runcell.driver.spi..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "io.runcell.driver.spi..")
                .check(classes);
    }

    @Test
    void coreDependsOnlyOnTheDriverSpiAndSlf4j() {
        noClasses()
                .that()
                .resideInAPackage("io.runcell.core..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "io.runcell.core..", "io.runcell.driver.spi..", "org.slf4j..")
                .check(classes);
    }

    @Test
    void backendsSeeOnlyTheSpi() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.runcell.driver.namespace..", "io.runcell.driver.microvm..", "io.runcell.driver.qga..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.runcell.core..", "io.runcell.store..", "io.runcell.api..", "io.runcell.server..")
                .check(classes);
    }

    @Test
    void jdbcLivesOnlyInTheStore() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.runcell.store..", "io.runcell.cluster..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.sql..",
                        "javax.sql..",
                        "org.flywaydb..",
                        "com.zaxxer..",
                        "org.sqlite..",
                        "org.postgresql..")
                .check(classes);
    }

    /**
     * The cluster's shared rate limiter hands the store's pool to Bucket4j's PostgreSQL proxy manager, which runs the
     * SQL: the cluster sees {@code javax.sql.DataSource} and nothing else of JDBC, no driver, pool or migrations.
     */
    @Test
    void theClusterSeesOnlyTheDataSourceOfJdbc() {
        noClasses()
                .that()
                .resideInAPackage("io.runcell.cluster..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(
                                "java.sql..", "org.flywaydb..", "com.zaxxer..", "org.sqlite..", "org.postgresql..")
                        .or(resideInAPackage("javax.sql..").and(not(equivalentTo(DataSource.class)))))
                .check(classes);
    }

    @Test
    void theHttpServerLivesOnlyInTheApiAndServer() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.runcell.api..", "io.runcell.server..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.helidon..")
                .check(classes);
    }

    @Test
    void bucket4jLivesOnlyInTheCluster() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.runcell.cluster..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.github.bucket4j..")
                .check(classes);
    }

    @Test
    void clusterDependsOnlyOnTheCoreAndItsLibraries() {
        noClasses()
                .that()
                .resideInAPackage("io.runcell.cluster..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.runcell.api..", "io.runcell.server..", "io.runcell.store..", "io.runcell.driver..")
                .check(classes);
    }

    @Test
    void picocliLivesOnlyInTheCli() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.runcell.server.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("picocli..")
                .check(classes);
    }

    @Test
    void apiDoesNotReachIntoStoreServerOrBackends() {
        noClasses()
                .that()
                .resideInAPackage("io.runcell.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.runcell.store..",
                        "io.runcell.server..",
                        "io.runcell.driver.namespace..",
                        "io.runcell.driver.microvm..",
                        "io.runcell.driver.qga..")
                .check(classes);
    }

    @Test
    void storeDoesNotReachOutward() {
        noClasses()
                .that()
                .resideInAPackage("io.runcell.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.runcell.api..",
                        "io.runcell.server..",
                        "io.runcell.driver.namespace..",
                        "io.runcell.driver.microvm..")
                .check(classes);
    }

    @Test
    void dialectsNeverImportEachOther() {
        slices().matching("io.runcell.api.(nativeapi|instavm|vast|hostup)..")
                .should()
                .notDependOnEachOther()
                .check(classes);
    }
}
