/**
 * What Spring Boot 3 names differently from Boot 4, inert on Boot 4.
 */
@NullMarked
package dev.stampede.autoconfigure.boot3;

import org.jspecify.annotations.NullMarked;
