/**
 * Stampede in Spring Boot Actuator: the {@code stampede} endpoint, Micrometer meters
 * and a health indicator.
 */
@NullMarked
package dev.stampede.actuate;

import org.jspecify.annotations.NullMarked;
