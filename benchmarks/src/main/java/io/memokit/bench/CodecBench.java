package io.memokit.bench;

import io.memokit.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * memokit's own value format, FST and Java serialization on the same values, each through
 * {@code Codec.encodeWith} / {@code decode}, and the maintained successors Apache Fory and Kryo 5
 * as candidates (configured as memokit would need them: no class registration, references kept):
 * encoding is the codec's part of a miss, decoding its part of a hit from a file. Values: one
 * record, a structured result (a map of 1,000 records holding lists and strings), and 64 KiB and
 * 16 MiB byte arrays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBench {

  public record Row(String name, List<Integer> values, double score) implements Serializable {}

  @Param({"record", "records", "bytes64k", "bytes16m", "jshellRecord"})
  public String value;

  Object subject;
  byte[] memokitBytes;
  byte[] foryBytes;
  byte[] kryoBytes;
  org.apache.fory.Fory fory;
  com.esotericsoftware.kryo.Kryo kryo;
  com.esotericsoftware.kryo.io.Output kryoOut;
  byte[] fstBytes;
  byte[] javaBytes;
  Codec codec;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    codec = Codec.shared();
    switch (value) {
      case "bytes64k" -> subject = Fixture.bytes(65536, 7);
      case "bytes16m" -> subject = Fixture.bytes(16 << 20, 7);
      case "record" -> subject = new Row("row 1", new ArrayList<>(List.of(1, 2, 3)), 0.5);
      case "jshellRecord" -> subject = jshellRecord();
      default -> {
        Map<String, Row> m = new HashMap<>();
        for (int i = 0; i < 1000; i++) m.put("k" + i, new Row("row " + i, new ArrayList<>(List.of(i, i + 1, i + 2)), i * 0.5));
        subject = m;
      }
    }
    memokitBytes = codec.encodeWith(Codec.MEMOKIT, subject).copy();
    fory = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
        .requireClassRegistration(false).withRefTracking(true).build();
    foryBytes = fory.serialize(subject);
    kryo = new com.esotericsoftware.kryo.Kryo();
    kryo.setRegistrationRequired(false);
    kryo.setReferences(true);
    kryo.setInstantiatorStrategy(new com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy(
        new org.objenesis.strategy.StdInstantiatorStrategy()));
    kryoOut = new com.esotericsoftware.kryo.io.Output(4096, -1);
    kryoEncode();
    kryoBytes = kryoOut.toBytes();
    fstBytes = codec.encodeWith(Codec.FST, subject).copy();
    javaBytes = javaEncode(subject);
  }

  /**
   * A record as JShell defines it in a snippet, {@code REPL.$JShell$13$Pt}: compiled here from source
   * into a class loader of its own, as JShell's is.
   */
  static Object jshellRecord() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jshell-record");
    java.nio.file.Path src = java.nio.file.Files.createDirectories(dir.resolve("REPL")).resolve("$JShell$13.java");
    java.nio.file.Files.writeString(src, "package REPL; public class $JShell$13 { public record Pt(String label, "
        + "java.util.List<Integer> values, double score) implements java.io.Serializable {} }");
    if (javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString()) != 0) {
      throw new IllegalStateException("cannot compile the JShell-like record");
    }
    ClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
        CodecBench.class.getClassLoader());
    Class<?> pt = loader.loadClass("REPL.$JShell$13$Pt");
    Thread.currentThread().setContextClassLoader(loader); // as JShell and kernels do for their snippets
    return pt.getDeclaredConstructors()[0].newInstance("row 1", new ArrayList<>(List.of(1, 2, 3)), 0.5);
  }

  static byte[] javaEncode(Object o) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(o);
    }
    return out.toByteArray();
  }

  @Benchmark
  public Codec.Encoded memokitEncode() throws Exception {
    return codec.encodeWith(Codec.MEMOKIT, subject);
  }

  @Benchmark
  public Object memokitDecode() throws Exception {
    return codec.decode(Codec.MEMOKIT, memokitBytes, memokitBytes.length);
  }

  @Benchmark
  public byte[] foryEncode() {
    return fory.serialize(subject);
  }

  @Benchmark
  public Object foryDecode() {
    return fory.deserialize(foryBytes);
  }

  @Benchmark
  public byte[] kryoEncode() {
    kryoOut.reset();
    kryo.writeClassAndObject(kryoOut, subject);
    return kryoOut.getBuffer();
  }

  @Benchmark
  public Object kryoDecode() {
    return kryo.readClassAndObject(new com.esotericsoftware.kryo.io.Input(kryoBytes));
  }

  @Benchmark
  public Codec.Encoded fstEncode() throws Exception {
    return codec.encodeWith(Codec.FST, subject);
  }

  @Benchmark
  public Object fstDecode() throws Exception {
    return codec.decode(Codec.FST, fstBytes, fstBytes.length);
  }

  @Benchmark
  public byte[] javaEncode() throws IOException {
    return javaEncode(subject);
  }

  @Benchmark
  public Object javaDecode() throws Exception {
    return codec.decode(Codec.JAVA, javaBytes, javaBytes.length); // memokit's resolving stream, as memokit reads
  }
}
