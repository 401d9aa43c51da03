package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.GadgetWorker;
import io.memokit.it.workers.OpenWorker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad stores and bad values that need real processes: a stored value whose class this process
 * lacks, a read-only store, a store this user cannot read. Each gets a clear message and loses
 * nothing stored. (Bad arguments, names and store paths are covered by the unit tests.)
 */
@Tag("quick")
class BadInputTest {

  @TempDir
  Path tmp;

  private static String line(Jvm j, String prefix) throws Exception {
    assertEquals(0, j.exit(Duration.ofSeconds(60)), j.describe());
    return j.lines().stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + "\n" + j.describe()));
  }

  @Test
  void aStoredValueOfAClassMissingHereIsComputedHereAndTheStoredCellIsKept() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/extra"));
    Files.writeString(src.resolve("Gadget.java"),
        "package extra; public record Gadget(int v) implements java.io.Serializable {}");
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        src.resolve("Gadget.java").toString()));
    Path store = tmp.resolve("store");
    String withGadget = System.getProperty("java.class.path") + File.pathSeparator + classes;

    try (Jvm writer = Jvm.start(List.of(), List.of(), withGadget, GadgetWorker.class, store)) {
      assertEquals("RESULT Gadget[v=1]", line(writer, "RESULT "));
    }
    try (Jvm reader = Jvm.start(GadgetWorker.class, store)) {
      assertEquals("RESULT computed here, without extra.Gadget: 1", line(reader, "RESULT "));
      String warnings = String.join("\n", reader.errors());
      assertTrue(warnings.contains("gadget(1): cannot read its stored values in this process: class extra.Gadget is "
          + "not defined in this process") && warnings.contains("Computing here without storing"), warnings);
    }
    try (Jvm writerAgain = Jvm.start(List.of(), List.of(), withGadget, GadgetWorker.class, store)) {
      assertEquals("RESULT Gadget[v=1]", line(writerAgain, "RESULT "));
      assertTrue(writerAgain.lines().stream().anyMatch(l -> l.contains("> HIT(1)")), "the stored cell was kept\n"
          + writerAgain.describe());
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + " (needs root, as CI): " + out);
  }

  @Test
  void aReadOnlyStoreIsRefusedClearlyAndKeepsItsCells() throws Exception {
    Path mount = Files.createDirectory(tmp.resolve("ro"));
    run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mount.toString());
    try {
      Path store = mount.resolve("store");
      try (Jvm first = Jvm.start(OpenWorker.class, store)) {
        assertEquals("RESULT 42", line(first, "RESULT "));
      }
      run("mount", "-o", "remount,ro", mount.toString());
      try (Jvm refused = Jvm.start(OpenWorker.class, store)) {
        String error = line(refused, "ERROR ");
        assertTrue(error.contains(store.toString()) && error.contains("not writable"), error);
      }
      run("mount", "-o", "remount,rw", mount.toString());
      try (Jvm again = Jvm.start(OpenWorker.class, store)) {
        assertEquals("RESULT 42", line(again, "RESULT "));
        assertTrue(again.lines().stream().anyMatch(l -> l.contains("> HIT(1)")), "the cell survived\n" + again.describe());
      }
    } finally {
      new ProcessBuilder("umount", "--lazy", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStoreThisUserCannotReadIsRefusedClearly() throws Exception {
    // The child runs as nobody; it needs a class path it can read (the local Maven repository is root's).
    Path pub = Files.createDirectory(tmp.resolve("pub"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path from = Path.of(entry);
      if (!Files.exists(from)) continue;
      Path to = pub.resolve("cp" + i++);
      if (Files.isDirectory(from)) {
        org.apache.commons.io.FileUtils.copyDirectory(from.toFile(), to.toFile());
      } else {
        to = pub.resolve(i + "-" + from.getFileName());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
      run("chmod", "-R", "a+rX", to.toString());
      entries.add(to.toString());
    }
    Path store = pub.resolve("private-store");
    try (Jvm owner = Jvm.start(OpenWorker.class, store)) {
      assertEquals("RESULT 42", line(owner, "RESULT "));
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
    List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    try (Jvm stranger = Jvm.start(asNobody, List.of("-Duser.home=" + pub), String.join(File.pathSeparator, entries),
        OpenWorker.class, store)) {
      String error = line(stranger, "ERROR ");
      assertTrue(error.contains(store.toString()) && error.contains("not readable"), error);
    }
    try (Jvm owner = Jvm.start(OpenWorker.class, store)) {
      assertEquals("RESULT 42", line(owner, "RESULT "));
    }
  }
}
