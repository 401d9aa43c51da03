package io.memokit.storage;

import io.memokit.function.FunctionId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's board of waits across processes: while a thread waits for a cell another process
 * computes, it keeps an entry saying which cell it waits for and which cells it holds up (those it
 * computes, and those of its process's threads waiting for it). Reading the board lets a waiter
 * find a cycle of processes waiting for each other. Entries of processes that died are never
 * believed; a waiter rewrites its entry every second so that other hosts see it is fresh.
 */
public interface WaitBoard {

  /** How recently an entry of another host must have been rewritten to be believed. */
  long REMOTE_FRESH_MILLIS = 10_000;
  /** The first line of an entry's text. */
  String HEADER = "memokit-wait 1";

  /** A cell of the store: its block's stored name ({@link FunctionId#storedName()}), its key hash, and its id (0 if not known yet). */
  public record CellRef(String block, long keyHi, long keyLo, long cellId) {

    /** Whether both name the same cell (block and key; the id may be unknown on one side). */
    public boolean sameCell(CellRef o) {
      return keyHi == o.keyHi && keyLo == o.keyLo && block.equals(o.block);
    }

    /** {@code cell 3 of f(1)}. */
    public String describe() {
      String label = FunctionId.fromStoredName(block).map(FunctionId::label).orElse(block);
      return (cellId > 0 ? "cell " + cellId : "a cell") + " of " + label;
    }

    public String line() {
      return block + " " + String.format("%016x%016x", keyHi, keyLo) + " " + cellId;
    }

    public static CellRef parse(String s) {
      String[] f = s.split(" ");
      if (f.length != 3 || f[1].length() != 32) throw new IllegalArgumentException(s);
      return new CellRef(f[0], Long.parseUnsignedLong(f[1].substring(0, 16), 16),
          Long.parseUnsignedLong(f[1].substring(16), 16), Long.parseLong(f[2]));
    }

    /** Every component; written out as {@link FunctionId#equals}'s are, for the same reason (each miss compares). */
    @Override
    public boolean equals(Object o) {
      return o instanceof CellRef c && keyHi == c.keyHi && keyLo == c.keyLo && cellId == c.cellId && block.equals(c.block);
    }

    @Override
    public int hashCode() {
      return ((block.hashCode() * 31 + Long.hashCode(keyHi)) * 31 + Long.hashCode(keyLo)) * 31 + Long.hashCode(cellId);
    }
  }

  /**
   * One waiting thread: its process (pid, host, start), the thread, when the wait began (epoch ms),
   * the cell it waits for and the cells it holds up.
   */
  public record Entry(long pid, int hostHash, String host, long started, long threadId, String thread, long since,
                      CellRef waitsFor, List<CellRef> holds) {

    /** An entry for the current thread of this process. */
    public static Entry ofThisThread(long since, CellRef waitsFor, List<CellRef> holds) {
      Thread t = Thread.currentThread();
      return new Entry(ProcessIdentity.PID, ProcessIdentity.HOST_HASH, ProcessIdentity.HOST, ProcessIdentity.STARTED,
          t.getId(), t.getName(), since, waitsFor, List.copyOf(holds));
    }

    /** Whether both are the wait of the same thread of the same process. */
    public boolean sameThread(Entry o) {
      return pid == o.pid && hostHash == o.hostHash && threadId == o.threadId;
    }

    /** Whether this entry is one of this process's. */
    public boolean inThisProcess() {
      return pid == ProcessIdentity.PID && hostHash == ProcessIdentity.HOST_HASH;
    }

    /** {@code proc 4711 on host-a}. */
    public String process() {
      return "proc " + pid + " on " + host;
    }

    public String text() {
      StringBuilder sb = new StringBuilder(HEADER).append('\n')
          .append("pid ").append(pid).append('\n')
          .append("host ").append(String.format("%08x", hostHash)).append(' ').append(host).append('\n')
          .append("started ").append(started).append('\n')
          .append("thread ").append(threadId).append(' ').append(thread.replaceAll("\\p{Cntrl}", "?")).append('\n')
          .append("since ").append(since).append('\n')
          .append("waits ").append(waitsFor.line()).append('\n');
      for (CellRef h : holds) sb.append("holds ").append(h.line()).append('\n');
      return sb.toString();
    }

    public static Entry parse(String text) {
      String[] lines = text.split("\n");
      if (lines.length < 7 || !lines[0].equals(HEADER)) throw new IllegalArgumentException("not a wait entry");
      long pid = Long.parseLong(field(lines[1], "pid"));
      String[] host = field(lines[2], "host").split(" ", 2);
      long started = Long.parseLong(field(lines[3], "started"));
      String[] thread = field(lines[4], "thread").split(" ", 2);
      long since = Long.parseLong(field(lines[5], "since"));
      CellRef waits = CellRef.parse(field(lines[6], "waits"));
      List<CellRef> holds = new ArrayList<>();
      for (int i = 7; i < lines.length; i++) holds.add(CellRef.parse(field(lines[i], "holds")));
      return new Entry(pid, Integer.parseUnsignedInt(host[0], 16), host.length > 1 ? host[1] : "?", started,
          Long.parseLong(thread[0]), thread.length > 1 ? thread[1] : "", since, waits, List.copyOf(holds));
    }

    private static String field(String line, String name) {
      if (!line.startsWith(name + " ")) throw new IllegalArgumentException("expected " + name + ": " + line);
      return line.substring(name.length() + 1);
    }
  }

  /** Puts (or replaces) the current thread's entry on the board. */
  void publish(Entry e) throws java.io.IOException;

  /** Removes the entry (its wait ended); never throws. */
  void withdraw(Entry e);

  /**
   * The entries of processes that may be alive: entries of this host's dead processes are dropped,
   * those of other hosts only believed if rewritten within {@link #REMOTE_FRESH_MILLIS}, unreadable
   * ones skipped.
   */
  List<Entry> entries();
}
