/**
 * Annotations that put a method under Stampede's protection.
 */
@NullMarked
package dev.stampede.annotation;

import org.jspecify.annotations.NullMarked;
