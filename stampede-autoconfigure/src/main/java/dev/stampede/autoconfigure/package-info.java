/**
 * Auto-configuration and configuration properties of Stampede.
 */
@NullMarked
package dev.stampede.autoconfigure;

import org.jspecify.annotations.NullMarked;
