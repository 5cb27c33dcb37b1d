/** Health, readiness, liveness and Prometheus metrics of one worker. */
package dev.hivelite.node.observe;
