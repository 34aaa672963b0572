/**
 * Stampede's loads and waits as Micrometer observations ({@code stampede.load},
 * {@code stampede.wait}): in a trace, whose load a request waited for and for how long.
 * {@link dev.stampede.observation.StampedeObservationDocumentation} documents their
 * names and key values.
 */
@NullMarked
package dev.stampede.observation;

import org.jspecify.annotations.NullMarked;
