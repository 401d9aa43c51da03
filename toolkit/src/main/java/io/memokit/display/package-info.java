/**
 * Display: HTML renderings of stores, memoized functions, cell listings and expression trees
 * ({@link io.memokit.display.Html}), their hook into the rapaio Jupyter kernel's display service
 * ({@link io.memokit.display.RapaioDisplayProvider}), and a progress bar for loops
 * ({@link io.memokit.display.Progress}). Plain {@code toString()} stays the text form everywhere else.
 */
package io.memokit.display;
