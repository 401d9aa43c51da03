/**
 * Display: HTML renderings of stores, memoized functions, cell listings and expression trees
 * ({@link io.memokit.display.Html}) with their plain-text tables ({@link io.memokit.display.Plain}),
 * both made by {@link io.memokit.display.Rendering}; their hooks into the Jupyter kernels' display
 * services: rapaio's ({@link io.memokit.display.RapaioDisplayProvider}), IJava's
 * ({@link io.memokit.display.BaseKernelDisplay}) and JJava's ({@link io.memokit.display.JJavaDisplay}),
 * the last two found and registered by {@link io.memokit.display.NotebookKernels}; and a progress bar
 * for loops and sweeps ({@link io.memokit.display.Progress}; outside a kernel, a sweep's line is a
 * {@code SweepText}). Plain {@code toString()} stays the text form
 * everywhere else, and is what a notebook shows for any other value, in rapaio's kernel too
 * ({@link io.memokit.display.Rendering#plain}).
 */
package io.memokit.display;
