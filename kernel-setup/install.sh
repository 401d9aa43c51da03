#!/usr/bin/env bash
# Installs what a user needs to run memokit's notebooks on a fresh machine, and says what it did:
#   1. Jupyter (nbconvert, nbclient, jupyter-client, notebook): Debian packages when apt is
#      available (as root or with sudo), otherwise pip --user;
#   2. memokit's jars (bin/build);
#   3. the Java kernel io.github.padreati:rapaio-jupyter-kernel (from Maven Central, with Maven),
#      and memokit's launcher for it (kernel-setup/src/main/java: it starts the kernel so that it
#      answers its first requests);
#   4. a Jupyter kernel spec "memokit-java": that kernel, on the java on PATH, with memokit and its
#      dependencies on its class path, the JVM flags memokit's codec needs on that JDK, and memokit's
#      helpers imported at start; with --jdk DIR, also a spec "memokit-java-N" running on the JDK
#      at DIR (N its feature version: memokit-java-25), with that JDK's flags.
# Idempotent: run it again after changing memokit to refresh the kernel's class path.
#   kernel-setup/install.sh [--user|--sys-prefix] [--jdk DIR]...
#     --user, --sys-prefix   where the kernel specs go (default --user)
#     --jdk DIR              also a kernel on the JDK installed at DIR (repeatable)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf 'memokit kernel-setup: %s\n' "$*"; }
spec_scope="--user"
jdks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --user|--sys-prefix) spec_scope="$1" ;;
    --jdk)
      [ $# -ge 2 ] && [ -x "$2/bin/java" ] || { say "--jdk needs a JDK's directory (with bin/java): ${2:-}"; exit 2; }
      jdks+=("$(cd "$2" && pwd)"); shift ;;
    *) say "unknown argument: $1 (usage: kernel-setup/install.sh [--user|--sys-prefix] [--jdk DIR]...)"; exit 2 ;;
  esac
  shift
done

# --- 1. Jupyter ---------------------------------------------------------------------------------
# Debian's Jupyter lives in /usr/bin/python3's dist-packages; a pyenv or venv python3 on PATH
# would not see it, so everything below uses the python that has the modules.
packages=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
has_jupyter() { "$1" -c 'import nbclient, nbconvert, jupyter_client, ipykernel' 2>/dev/null; }
PY=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && has_jupyter "$candidate"; then PY="$(command -v "$candidate")"; break; fi
done
if [ -n "$PY" ]; then
  say "Jupyter already installed ($PY: $("$PY" -m jupyter nbconvert --version 2>/dev/null | head -1) nbconvert)"
elif command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing Jupyter from Debian packages: ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  PY=/usr/bin/python3
  has_jupyter "$PY" || { say "apt installed the packages, but $PY cannot import them"; exit 1; }
  say "installed Jupyter with apt ($("$PY" -m jupyter nbconvert --version | head -1) nbconvert)"
else
  say "no apt: installing Jupyter with pip --user (notebook nbconvert nbclient jupyter_client ipykernel)"
  python3 -m pip install --user notebook nbconvert nbclient jupyter_client ipykernel
  PY="$(command -v python3)"
  has_jupyter "$PY" || { say "pip installed Jupyter, but $PY cannot import it"; exit 1; }
  say "installed Jupyter with pip"
fi

# --- 2. memokit ---------------------------------------------------------------------------------
"$root/bin/build"
memokit_cp="$(java -jar "$root/toolkit/target/memokit.jar" classpath)"
say "memokit class path: $memokit_cp"

# --- 3. the Java kernel, with Maven, and memokit's launcher for it ------------------------------
mvn -q -B -f "$root/kernel-setup/pom.xml" package
kernel_jar="$(ls "$root"/kernel-setup/target/kernel/rapaio-jupyter-kernel-*.jar | head -1)"
launcher_jar="$root/kernel-setup/target/memokit-kernel-launcher.jar"
say "Java kernel: $kernel_jar, started by $launcher_jar"

# --- 4. the kernel specs -------------------------------------------------------------------------
# install_spec NAME DISPLAY_NAME JAVA: a kernel spec NAME whose kernel runs on JAVA, with the flags
# memokit's codec needs on that JDK (memokit.jar run by that java says which: JDK 24+ adds
# --sun-misc-unsafe-memory-access=allow, without which it warns at the first stored value).
install_spec() {
  local name="$1" display="$2" java_bin="$3" spec flags
  read -r -a flags <<< "$("$java_bin" -jar "$root/toolkit/target/memokit.jar" flags)"
  spec="$(mktemp -d)/$name"
  mkdir -p "$spec"
  "$PY" - "$spec/kernel.json" "$display" "$java_bin" "$launcher_jar:$kernel_jar:$memokit_cp" "$memokit_cp" \
      "$root/kernel-setup/memokit-init.jshell" "${flags[@]}" <<'PYEOF'
import json, sys
out, display, java, kernel_cp, memokit_cp, init, *flags = sys.argv[1:]
spec = {
    # The kernel runs notebook code in its own JVM (JShell with direct execution): memokit's jars
    # go on that JVM's class path (so the kernel's display service finds memokit's HTML renderers)
    # and in RJK_CLASSPATH (so JShell compiles against them); FST's --add-opens flags go on it too.
    # memokit's launcher starts the kernel instead of its MainApp, so that it answers its first
    # requests (kernel-setup/src/main/java/io/memokit/kernel/KernelLauncher.java says why).
    "argv": [java, *flags, "-cp", kernel_cp, "io.memokit.kernel.KernelLauncher", "{connection_file}"],
    "display_name": display,
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_CLASSPATH": memokit_cp,
        "RJK_INIT_SCRIPT": init,
        "RJK_COMPILER_OPTIONS": "",
        "RJK_TIMEOUT_MILLIS": "-1",
    },
}
with open(out, "w") as f:
    json.dump(spec, f, indent=2)
PYEOF
  "$PY" -m jupyter kernelspec install --replace "$spec_scope" --name "$name" "$spec" >/dev/null 2>&1 \
    || "$PY" -m jupyter kernelspec install --replace "$spec_scope" --name "$name" "$spec"
  rm -rf "$(dirname "$spec")"
  say "kernel spec $name (\"$display\") installed ($spec_scope), on $("$java_bin" -version 2>&1 | head -1)"
}

install_spec memokit-java "Java (memokit)" "$(readlink -f "$(command -v java)")"
for jdk in ${jdks[@]+"${jdks[@]}"}; do
  feature="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  install_spec "memokit-java-$feature" "Java $feature (memokit)" "$jdk/bin/java"
done
"$PY" -m jupyter kernelspec list 2>/dev/null | grep memokit-java
say "done. Open the notebooks with:  $PY -m jupyter notebook notebooks/"
