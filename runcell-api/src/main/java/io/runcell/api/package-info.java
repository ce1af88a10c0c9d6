/** The HTTP layer: one package per dialect plus what they share; dialects translate, the core decides. */
package io.runcell.api;
