package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.KillableWorker;
import io.memokit.it.workers.StoreChecker;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at 60 points while a process computes, writes and hits cells (half of them small values
 * appended to the block's values log, half up to 512 KiB in files of their own): a quarter at
 * random times, half the moment the process creates a temporary file for a large value, a quarter
 * the moment it appends to the values log (both seen through inotify), so they land while a value
 * is written. Checked every 10 kills by a fresh
 * process: no torn or wrong value is ever returned, no cell stays in progress, every cell stored
 * before a kill is still there and intact, and the index agrees with the files. A kill that left a
 * temporary file of the killed process behind landed during a write; the test counts them.
 */
class KillPointsTest {

  static final int KEYS = 3000;
  static final int MAX_KIB = 512;
  static final int KILLS = 60;

  @Test
  void killsWhileComputingAndWritingLoseNothingStoredAndTearNothing(@TempDir Path tmp) throws Exception {
    Path store = tmp.resolve("store");
    Random random = new Random(20261124);
    Set<Integer> stored = new HashSet<>();
    int duringWrite = 0;
    int duringAppend = 0;
    int checks = 0;
    // Each worker's JVM starts up while the one before it runs; it opens the store on its go, after that one's kill.
    Jvm next = Jvm.start(KillableWorker.class, store, KEYS, MAX_KIB, random.nextLong());
    try {
      for (int kill = 1; kill <= KILLS; kill++) {
        try (Jvm worker = next) {
          worker.send("GO");
          worker.await("READY"::equals, Duration.ofSeconds(30), "READY");
          next = kill < KILLS ? Jvm.start(KillableWorker.class, store, KEYS, MAX_KIB, random.nextLong()) : null;
          if (kill % 4 == 0) {
            awaitValuesLogWrite(store);
            duringAppend++;
          } else if (kill % 4 == 1) {
            Thread.sleep(20 + random.nextInt(200));
          } else {
            awaitTemporaryOf(store.resolve("tmp"), worker.pid());
          }
          assertTrue(worker.alive(), "worker died by itself\n" + worker.describe());
          worker.killHard();
          assertTrue(worker.lines().stream().noneMatch(l -> l.startsWith("WRONG")), worker.describe());
          if (leftTemporary(store, worker.pid())) duringWrite++;
        }
        if (kill % 10 == 0) {
          checks++;
          stored = checkedAfter(kill, store, stored);
        }
      }
    } finally {
      if (next != null) next.close();
    }
    System.out.printf("KillPointsTest: %d kills, %d during a value write (temporary file left), %d as the values "
        + "log was written, %d checks, %d cells stored at the end%n", KILLS, duringWrite, duringAppend, checks,
        stored.size());
    assertTrue(stored.size() > 20, "the workers made progress: " + stored.size());
    // Observed 12 to 22 of the 60 kills (30 of them targeted at a temporary file).
    assertTrue(duringWrite >= KILLS / 12, "kills landed while a value was written: " + duringWrite);
  }

  /**
   * A fresh process reads every key: no wrong value, every cell of {@code stored} still there, none
   * in progress, the index agreeing with the files. Returns the cells stored now.
   */
  private static Set<Integer> checkedAfter(int kill, Path store, Set<Integer> stored) throws Exception {
    try (Jvm checker = Jvm.start(StoreChecker.class, store, KEYS, MAX_KIB)) {
      assertEquals(0, checker.exit(Duration.ofSeconds(60)), checker.describe());
      List<String> lines = checker.lines();
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("WRONG")), "a wrong value was returned\n"
          + checker.describe());
      Set<Integer> now = new HashSet<>();
      for (String l : lines) if (l.startsWith("STORED ")) now.add(Integer.parseInt(l.substring(7)));
      Set<Integer> lostKeys = new HashSet<>(stored);
      lostKeys.removeAll(now);
      assertTrue(lostKeys.isEmpty(), "cells stored before kill " + kill + " are gone: " + lostKeys);
      assertTrue(lines.contains("COMPUTING 0"), "a cell stays in progress\n" + checker.describe());
      assertTrue(lines.contains("SIZE " + now.size()), "index and files agree\n" + checker.describe());
      StoreKind.assertSound(store.toString());
      return now;
    }
  }

  /** Returns as soon as process {@code pid} creates a file in {@code tmpDir} (a value being written). */
  private static void awaitTemporaryOf(Path tmpDir, long pid) throws Exception {
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      tmpDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
        if (key == null) continue;
        for (WatchEvent<?> e : key.pollEvents()) {
          if (e.context() instanceof Path p && p.toString().startsWith(pid + "-") && p.toString().endsWith(".tmp")) return;
        }
        key.reset();
      }
      throw new AssertionError("process " + pid + " wrote no value within 20 s");
    }
  }

  /** Returns as soon as a block's values log is written (a small value being appended). */
  private static void awaitValuesLogWrite(Path store) throws Exception {
    Path blocks = store.resolve("blocks");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Path block = null;
    while (block == null && System.nanoTime() < deadline) {
      if (Files.isDirectory(blocks)) {
        try (Stream<Path> b = Files.list(blocks)) {
          block = b.findFirst().orElse(null);
        }
      }
      if (block == null) Thread.sleep(5);
    }
    if (block == null) throw new AssertionError("no block within 20 s");
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      block.register(watch, StandardWatchEventKinds.ENTRY_MODIFY);
      while (System.nanoTime() < deadline) {
        WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
        if (key == null) continue;
        for (WatchEvent<?> e : key.pollEvents()) {
          if (e.context() instanceof Path p && p.toString().startsWith("values.")) return;
        }
        key.reset();
      }
      throw new AssertionError("no value appended to the values log within 20 s");
    }
  }

  private static boolean leftTemporary(Path store, long pid) throws Exception {
    Path dir = store.resolve("tmp");
    if (!Files.isDirectory(dir)) return false;
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith(pid + "-") && p.toString().endsWith(".tmp"));
    }
  }
}
