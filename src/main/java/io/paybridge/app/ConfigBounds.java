package io.paybridge.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The values of one configuration mapping that lie outside their bounds, each named by its full
 * property. A mapping states its bounds in a static {@code check} method beside its properties; they
 * are checked as the configuration is read (config/ConfigChecks), and any problem stops the start
 * with one line per property, as SmallRye Config reports a value it cannot convert.
 */
public final class ConfigBounds {

    private final String prefix;
    private final List<String> problems = new ArrayList<>();

    public ConfigBounds(String prefix) {
        this.prefix = prefix;
    }

    public void atLeast(String property, long value, long min) {
        if (value < min) {
            problem(property, "must be at least " + min, value);
        }
    }

    public void between(String property, long value, long min, long max) {
        if (value < min || value > max) {
            problem(property, "must be between " + min + " and " + max, value);
        }
    }

    /** Inclusive at both ends, unless {@code aboveMin}: then the value must exceed {@code min}. */
    public void between(String property, double value, double min, boolean aboveMin, double max) {
        if (value < min || aboveMin && value == min || value > max) {
            problem(property, "must be " + (aboveMin ? "above " : "at least ") + min + " and at most " + max, value);
        }
    }

    public void atLeast(String property, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            problem(property, "must be at least " + min, value);
        }
    }

    public void between(String property, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problem(property, "must be between " + min + " and " + max, value);
        }
    }

    public void matches(String property, String value, Pattern pattern, String example) {
        if (!pattern.matcher(value).matches()) {
            problem(property, "must look like " + example, value);
        }
    }

    /** A property that another setting makes necessary; its value, a secret perhaps, is never shown. */
    public void required(String property, boolean present, String because) {
        if (!present) {
            problems.add(prefix + "." + property + " must be set " + because);
        }
    }

    /** Two properties that say the same thing two ways: one of them, not both. */
    public void notBoth(String property, boolean present, String other, boolean otherPresent) {
        if (present && otherPresent) {
            problems.add(prefix + "." + property + " and " + prefix + "." + other + " are both set: set one of them");
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    private void problem(String property, String rule, Object value) {
        problems.add(prefix + "." + property + " " + rule + " (is " + value + ")");
    }
}
