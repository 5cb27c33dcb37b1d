package dev.hivelite.coordinator;

/** A configuration value the coordinator refuses; the message names the key and where it came from. */
final class ConfigException extends Exception {
    ConfigException(String message) {
        super(message, null, false, false);
    }
}
