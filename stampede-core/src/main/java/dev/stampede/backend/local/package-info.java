/**
 * The in-process backend: one JVM, nothing to install.
 */
@NullMarked
package dev.stampede.backend.local;

import org.jspecify.annotations.NullMarked;
