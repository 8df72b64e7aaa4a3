/**
 * The operator console: a static page on the management port that reads the admin API and the
 * metrics with the operator's token. Serves files only; every figure and action goes through the
 * admin API, never around it.
 */
package io.paybridge.console;
