package dev.hivelite.node.auth;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;

/** Email and password as submitted (CLI or API), validated with PocketBase's field error codes. */
public record SuperuserInput(String email, String password) {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    public static final int MIN_PASSWORD = 8;

    /** Field errors keyed by field name; empty when valid. {@code password} may be null when not changing it. */
    public Map<String, FieldError> errors(boolean passwordRequired) {
        Map<String, FieldError> errors = new LinkedHashMap<>();
        if (email == null || email.isBlank()) {
            errors.put("email", new FieldError("validation_required", "Cannot be blank."));
        } else if (!EMAIL.matcher(email).matches() || email.length() > 255) {
            errors.put("email", new FieldError("validation_is_email", "Must be a valid email address."));
        }
        if (password == null || password.isEmpty()) {
            if (passwordRequired) {
                errors.put("password", new FieldError("validation_required", "Cannot be blank."));
            }
        } else if (password.length() < MIN_PASSWORD) {
            errors.put("password", new FieldError("validation_length_out_of_range",
                    "The length must be between " + MIN_PASSWORD + " and " + PasswordHasher.MAX_BYTES + "."));
        } else if (password.getBytes(StandardCharsets.UTF_8).length > PasswordHasher.MAX_BYTES) {
            errors.put("password", new FieldError("validation_length_out_of_range",
                    "The length must be between " + MIN_PASSWORD + " and " + PasswordHasher.MAX_BYTES + "."));
        }
        return errors;
    }

    public void validate(boolean passwordRequired) {
        Map<String, FieldError> errors = errors(passwordRequired);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
