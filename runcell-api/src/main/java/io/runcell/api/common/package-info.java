/**
 * What every dialect shares: request ids, JSON body parsing with limits, typed field reading, RFC 7807 problem
 * documents, credential extraction, and logging of unexpected failures at the boundary.
 */
package io.runcell.api.common;
