# Sourced by ./hivelite and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME.
# Order: JAVA_HOME when it is >= 21, else the newest JDK under /usr/lib/jvm. Fails with a clear message.

hivelite_java_feature() {
  # Prints the feature version (17, 21, 25, …) of the java in JDK folder $1, or nothing.
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java\.specification\.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

hivelite_find_jdk() {
  local min=21 candidate version best="" best_version=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version=$(hivelite_java_feature "$JAVA_HOME")
    if [ -n "$version" ] && [ "$version" -ge "$min" ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] && [ ! -L "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$(hivelite_java_feature "$candidate")
    if [ -n "$version" ] && [ "$version" -ge "$min" ] && [ "$version" -gt "$best_version" ]; then
      best=$candidate
      best_version=$version
    fi
  done
  if [ -n "$best" ]; then
    echo "$best"
    return 0
  fi
  echo "hivelite: needs a JDK $min or newer, and found none (JAVA_HOME=${JAVA_HOME:-unset}; looked in /usr/lib/jvm)." >&2
  echo "hivelite: install one (e.g. apt-get install openjdk-21-jdk-headless) or point JAVA_HOME at it." >&2
  return 1
}

JAVA_HOME=$(hivelite_find_jdk) || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
if [ "$(hivelite_java_feature "$JAVA_HOME")" -ge 24 ]; then
  # Maven 3.9's Guice calls sun.misc.Unsafe; JDK 24+ would print a warning on every build.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
