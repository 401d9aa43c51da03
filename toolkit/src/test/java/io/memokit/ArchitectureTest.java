package io.memokit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.elements.ClassesShouldConjunction;
import com.tngtech.archunit.base.DescribedPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering rules of the design note in {@code io.memokit}'s package documentation, checked on the toolkit's classes. */
class ArchitectureTest {

  private static JavaClasses classes;

  /** What the layers below the facade may use of {@code io.memokit}: its vocabulary. */
  private static final DescribedPredicate<JavaClass> FACADE_BEYOND_VOCABULARY =
      resideInAPackage("io.memokit").and(not(belongToAnyOf(MemoException.class, Expr.class, MapExpr.class)))
          .as("io.memokit beyond MemoException, Expr and MapExpr");

  /** The rule that classes of {@code layer} use no class of the {@code forbidden} packages. */
  private static ClassesShouldConjunction uses(String layer, String... forbidden) {
    return noClasses().that().resideInAPackage(layer).should().dependOnClassesThat().resideInAnyPackage(forbidden);
  }

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.memokit");
  }

  @Test
  void functionDependsOnNothingOfMemokit() {
    uses("io.memokit.function..", "io.memokit", "io.memokit.cell..", "io.memokit.codec..",
            "io.memokit.storage..", "io.memokit.expr..", "io.memokit.display..", "io.memokit.cli..")
        .check(classes);
  }

  @Test
  void storageUsesOnlyItselfAndFunction() {
    uses("io.memokit.storage..", "io.memokit", "io.memokit.cell..", "io.memokit.codec..",
            "io.memokit.expr..", "io.memokit.display..", "io.memokit.cli..")
        .check(classes);
  }

  @Test
  void eachBackendIgnoresTheOtherAndOnlyTheRegistryNamesThem() {
    uses("io.memokit.storage.directory..", "io.memokit.storage.postgres..").check(classes);
    uses("io.memokit.storage.postgres..", "io.memokit.storage.directory..").check(classes);
    noClasses().that().resideOutsideOfPackages("io.memokit.storage.directory..", "io.memokit.storage.postgres..")
        .and().doNotHaveFullyQualifiedName("io.memokit.storage.Backends")
        .should().dependOnClassesThat().resideInAnyPackage("io.memokit.storage.directory..", "io.memokit.storage.postgres..")
        .because("a store's backend is chosen by its location, in one place")
        .check(classes);
  }

  @Test
  void theCodecUsesFunctionAndTheVocabulary() {
    uses("io.memokit.codec..", "io.memokit.cell..", "io.memokit.storage..", "io.memokit.expr..",
            "io.memokit.display..", "io.memokit.cli..")
        .orShould().dependOnClassesThat(FACADE_BEYOND_VOCABULARY)
        .check(classes);
  }

  @Test
  void theCellLayerUsesTheContractNotABackend() {
    uses("io.memokit.cell..", "io.memokit.storage.directory..", "io.memokit.storage.postgres..",
            "io.memokit.expr..", "io.memokit.display..", "io.memokit.cli..")
        .orShould().dependOnClassesThat(FACADE_BEYOND_VOCABULARY)
        .check(classes);
  }

  @Test
  void expressionsUseFunctionAndTheVocabulary() {
    uses("io.memokit.expr..", "io.memokit.storage..", "io.memokit.codec..",
            "io.memokit.display..", "io.memokit.cli..")
        .orShould().dependOnClassesThat(FACADE_BEYOND_VOCABULARY)
        .check(classes);
  }

  @Test
  void displayRendersTheApiWithoutReachingTheStore() {
    uses("io.memokit.display..", "io.memokit.storage..", "io.memokit.codec..", "io.memokit.cli..")
        .check(classes);
  }

  @Test
  void theCommandLineIsAShellOverTheApi() {
    uses("io.memokit.cli..", "io.memokit.cell..", "io.memokit.codec..", "io.memokit.expr..",
            "io.memokit.function..", "io.memokit.storage.directory..", "io.memokit.storage.postgres..")
        .orShould().dependOnClassesThat(resideInAPackage("io.memokit.storage")
            .and(not(belongToAnyOf(io.memokit.storage.Backends.class))).as("the storage contract beyond Backends"))
        .check(classes);
    noClasses().that().resideOutsideOfPackage("io.memokit.cli..").and().doNotHaveSimpleName("Memo")
        .should().dependOnClassesThat().resideInAPackage("io.memokit.cli..")
        .check(classes);
  }

  @Test
  void noCycleJoinsTheImplementationPackages() {
    slices().matching("io.memokit.(*)..").should().beFreeOfCycles().check(classes);
  }
}
