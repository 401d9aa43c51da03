package io.github.spencerpark.ijava;

import io.github.spencerpark.jupyter.kernel.BaseKernel;

/**
 * A stand-in for IJava's main class (IJava is on no registry reachable here): the one call memokit
 * finds a running IJava kernel by, {@code IJava.getKernelInstance()}, answering the kernel a test
 * sets. The kernel itself is the real {@code jupyter-jvm-basekernel} one.
 */
public final class IJava {

  private static volatile BaseKernel kernel;

  private IJava() {}

  /** As in IJava: the running kernel, or null outside one. */
  public static BaseKernel getKernelInstance() {
    return kernel;
  }

  /** For tests: makes {@code k} the running kernel (null: none). */
  public static void setKernelInstance(BaseKernel k) {
    kernel = k;
  }
}
