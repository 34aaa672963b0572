/**
 * Test support: real servers on free loopback ports, and the contract every backend
 * and every engine on it must pass.
 */
@NullMarked
package dev.stampede.test;

import org.jspecify.annotations.NullMarked;
