package io.memokit.kernel;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts the rapaio Java kernel ({@code io.github.padreati:rapaio-jupyter-kernel} 3.0.1) for Jupyter
 * so that it answers its first requests. The kernel spec {@code memokit-java} runs this class, with
 * the kernel's jar on the class path, instead of the kernel's {@code MainApp}.
 *
 * <p>The kernel's own start loses about one start in five on a busy machine, in two races between
 * its channel threads and the thread that starts them (the channel threads poll their sockets every
 * 50 ms, each in a {@code LoopThread}):
 *
 * <ol>
 *   <li>{@code Channels.connect} binds the sockets and starts the shell and control threads before
 *       it makes its table of request handlers. A request read in between finds no table: a
 *       {@code NullPointerException} ends the shell thread, and the kernel never answers; or it
 *       finds the table half filled: "Unhandled message", the request is dropped, and the kernel
 *       answers only the client's next one, a second later.
 *   <li>{@code LoopThread.start} starts the thread before it sets the flag that keeps it looping, and
 *       the loop tests the flag first: a thread scheduled before its starter sets the flag ends at
 *       once, without a word, and its channel (shell, control or heartbeat) never answers.
 * </ol>
 *
 * <p>This launcher starts the kernel as {@code MainApp} does (the kernel's logging, its JShell, its
 * channels on the connection file's ports), with both races closed:
 *
 * <ol>
 *   <li>it holds the shell and control channels' locks while {@code connect} runs: their threads read
 *       each request under that lock ({@code AbstractChannel.readMessage} is synchronized), so a
 *       request polled early waits until the handlers are all in, then is handled;
 *   <li>once {@code connect} has returned (every loop's flag is set by then), it waits until each
 *       channel thread is either in its loop or ended; the loop of one that ended at start is run
 *       again, on a new thread of the same name.
 * </ol>
 *
 * <p>It reaches the channels and their threads through the kernel's private fields ({@code
 * Channels.shell}, {@code .control}, {@code .heartbeat}, and each one's {@code loopThread}); the
 * kernel is on the class path, so no JVM flag is needed for that. A kernel version without those
 * fields stops at start with a message naming the field, rather than starting with the races.
 */
public final class KernelLauncher {

  private static final Logger LOGGER = Logger.getLogger(KernelLauncher.class.getSimpleName());

  /** How long a channel thread may stay runnable before it is taken to be in its loop. */
  private static final long SETTLE_MILLIS = 10_000;

  private KernelLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp memokit-kernel-launcher.jar:rapaio-jupyter-kernel.jar "
          + KernelLauncher.class.getName() + " CONNECTION_FILE");
      System.exit(2);
    }
    try (InputStream logging = MainApp.class.getClassLoader().getResourceAsStream("logging.properties")) {
      if (logging != null) LogManager.getLogManager().readConfiguration(logging);
    }
    ConnectionProperties connection = Transform.fromJson(Files.readString(Path.of(args[0])), ConnectionProperties.class);
    RapaioKernel kernel = MainApp.kernel; // the kernel and its JShell start here, before any socket is bound
    Channels channels = new Channels(connection);
    AbstractChannel shell = field(channels, "shell", AbstractChannel.class);
    AbstractChannel control = field(channels, "control", AbstractChannel.class);
    AbstractChannel heartbeat = field(channels, "heartbeat", AbstractChannel.class);

    synchronized (shell) {
      synchronized (control) {
        channels.connect(kernel);
      }
    }
    List<Thread> restarted = new ArrayList<>();
    for (AbstractChannel channel : List.of(shell, control, heartbeat)) {
      Thread loop = field(channel, "loopThread", Thread.class);
      if (endedAtStart(loop)) {
        LOGGER.info("[memokit] " + channel.getClass().getSimpleName() + "'s thread " + loop.getName()
            + " ended at start (its loop flag was not set yet): running its loop again");
        Thread again = new Thread(loop::run, loop.getName());
        again.start();
        restarted.add(again);
      }
    }
    channels.joinUntilClose();
    for (Thread t : restarted) t.join();
  }

  /**
   * Whether {@code loop}, started with its flag set by now, ended without looping. A thread that read
   * the flag unset ends at once, runnable until then; one in its loop soon sleeps between polls (or
   * waits in a request), so a state other than runnable settles it.
   */
  static boolean endedAtStart(Thread loop) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
    while (true) {
      Thread.State state = loop.getState();
      if (state == Thread.State.TERMINATED) return true;
      if (state != Thread.State.RUNNABLE && state != Thread.State.NEW) return false;
      if (System.nanoTime() > deadline) return false; // runnable all along: busy with a request, in its loop
      Thread.sleep(1);
    }
  }

  private static <T> T field(Object owner, String name, Class<T> type) {
    try {
      Field f = owner.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return type.cast(f.get(owner));
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("memokit's kernel launcher knows rapaio-jupyter-kernel 3.0.1, whose "
          + owner.getClass().getName() + " has a field " + name + " (" + type.getSimpleName() + "); this kernel"
          + " has not: update io.memokit.kernel.KernelLauncher for it, or start org.rapaio.jupyter.kernel.MainApp", e);
    }
  }
}
