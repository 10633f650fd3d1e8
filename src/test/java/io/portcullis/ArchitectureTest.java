package io.portcullis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure the code map (docs/architecture.md) promises, checked on the compiled classes: no
 * package cycles, and each third-party library used only in the package that owns it.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.portcullis");
    }

    @Test
    void packagesWhenComparedThenNoCycles() {
        slices().matching("io.portcullis.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void lettuceWhenUsedThenOnlyInStore() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.portcullis.store..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.lettuce..")
                .because("Redis is reached only through the store interfaces")
                .check(classes);
    }

    @Test
    void jettyWhenUsedThenOnlyInProxy() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.portcullis.proxy..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.eclipse.jetty..")
                .because("Jetty's proxy is an implementation detail of the proxy package; the WAR also runs on "
                        + "Tomcat")
                .check(classes);
    }

    @Test
    void javaJwtWhenUsedThenOnlyInJwtAndAuth() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.portcullis.jwt..", "io.portcullis.auth..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.auth0..")
                .because("tokens are verified in jwt and issued in auth")
                .check(classes);
    }
}
