package io.paybridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.paybridge.app.RunMode;
import io.quarkus.scheduler.Scheduled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependencies between Paybridge's packages point one way (each package-info.java says what its
 * package must never call). A new import that breaks a rule fails here, with the offending lines.
 */
class ArchitectureTest {

    private static final String[] DATABASE = {"io.vertx.sqlclient..", "io.vertx.pgclient..", "io.vertx.mutiny.sqlclient..",
            "io.vertx.mutiny.pgclient..", "org.hibernate..", "io.quarkus.hibernate..", "java.sql..", "javax.sql.."};

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.paybridge");
    }

    @Test
    void intakeNeverReachesDeliveryOrSalesforce() {
        noClasses().that().resideInAPackage("io.paybridge.intake..")
                .should().dependOnClassesThat().resideInAnyPackage("io.paybridge.delivery..", "io.paybridge.salesforce..",
                        "io.paybridge.mapping..")
                .because("an event is acknowledged once stored, whatever Salesforce does")
                .check(production);
    }

    @Test
    void theSalesforceClientNeverReachesTheDatabase() {
        noClasses().that().resideInAPackage("io.paybridge.salesforce..")
                .should().dependOnClassesThat().resideInAnyPackage(DATABASE)
                .orShould().dependOnClassesThat().resideInAnyPackage("io.paybridge.delivery..", "io.paybridge.intake..")
                .because("the client speaks HTTP to Salesforce; what to send and what it means for events is delivery's")
                .check(production);
    }

    @Test
    void mappingIsPure() {
        noClasses().that().resideInAPackage("io.paybridge.mapping..")
                .should().dependOnClassesThat().resideInAnyPackage(DATABASE)
                .orShould().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.smallrye.mutiny..",
                        "jakarta.ws.rs..", "org.eclipse.microprofile.rest.client..")
                .orShould().dependOnClassesThat().resideInAnyPackage("io.paybridge.intake..", "io.paybridge.delivery..",
                        "io.paybridge.salesforce..", "io.paybridge.stripe..", "io.paybridge.admin..", "io.paybridge.backfill..",
                        "io.paybridge.retention..", "io.paybridge.command..", "io.paybridge.reconcile..", "io.paybridge.console..")
                .because("mapping turns an event into records and nothing else, so it is tested without any peer")
                .check(production);
    }

    @Test
    void operationsNeverCallSalesforce() {
        noClasses().that().resideInAnyPackage("io.paybridge.admin..", "io.paybridge.backfill..", "io.paybridge.retention..",
                        "io.paybridge.command..", "io.paybridge.console..")
                .should().dependOnClassesThat().resideInAPackage("io.paybridge.salesforce..")
                .because("a replay or a backfill puts events back for delivery, which alone pushes to Salesforce")
                .check(production);
    }

    @Test
    void theStripeClientNeverReachesTheDatabase() {
        noClasses().that().resideInAPackage("io.paybridge.stripe..")
                .should().dependOnClassesThat().resideInAnyPackage(DATABASE)
                .orShould().dependOnClassesThat().resideInAnyPackage("io.paybridge.delivery..", "io.paybridge.intake..",
                        "io.paybridge.admin..", "io.paybridge.backfill..", "io.paybridge.salesforce..")
                .because("the client fetches from Stripe; what a fetch means for an event is delivery's")
                .check(production);
    }

    @Test
    void reconciliationNeverCallsDeliveryOrSalesforce() {
        noClasses().that().resideInAPackage("io.paybridge.reconcile..")
                .should().dependOnClassesThat().resideInAnyPackage("io.paybridge.delivery..", "io.paybridge.salesforce..")
                .because("a sweep stores what was missing; delivery takes it from there like any stored event")
                .check(production);
    }

    @Test
    void scheduledWorkRunsOnServingReplicasOnly() {
        methods().that().areAnnotatedWith(Scheduled.class)
                .should().beAnnotatedWith(DescribedPredicate.describe("@Scheduled(skipExecutionIf = RunMode.NotServing.class)",
                        (JavaAnnotation<?> annotation) -> annotation.getRawType().isEquivalentTo(Scheduled.class)
                                && annotation.get("skipExecutionIf")
                                        .map(skip -> skip instanceof JavaClass predicate && predicate.isEquivalentTo(RunMode.NotServing.class))
                                        .orElse(false)))
                .because("a command's process (reprocess, backfill) does no scheduled work beside the serving replicas, "
                        + "nor while its start fails or it shuts down")
                .check(production);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.paybridge.(*)..")
                .should().beFreeOfCycles()
                .check(production);
    }
}
