/**
 * The AOP interception of {@code @StampedeProtected} and {@code @StampedeEvict} methods.
 */
@NullMarked
package dev.stampede.interceptor;

import org.jspecify.annotations.NullMarked;
