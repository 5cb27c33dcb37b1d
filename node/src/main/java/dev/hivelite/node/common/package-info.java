/**
 * Small shared things every feature may use and that import nothing of ours: the {@link
 * dev.hivelite.node.common.ApiException} family with its JSON error shape, JSON helpers, the version.
 */
package dev.hivelite.node.common;
