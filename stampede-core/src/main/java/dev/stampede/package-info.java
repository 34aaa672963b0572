/**
 * The Stampede engine: one loader call per key across every thread and every JVM
 * that shares a backend.
 */
@NullMarked
package dev.stampede;

import org.jspecify.annotations.NullMarked;
