package io.memokit.bench;

import io.memokit.storage.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
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
 * FST (memokit's codec, through {@code Codec.shared()}) against Java serialization on the same
 * values: encoding is the codec's part of a miss, decoding its part of a hit from a file. Values:
 * a 64 KiB byte array, and a structured result (a map of 1,000 records holding lists and strings).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBench {

  public record Row(String name, List<Integer> values, double score) implements Serializable {}

  @Param({"bytes64k", "records"})
  public String value;

  Object subject;
  byte[] fstBytes;
  byte[] javaBytes;
  Codec codec;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    codec = Codec.shared();
    if (value.equals("bytes64k")) {
      subject = Fixture.bytes(65536, 7);
    } else {
      Map<String, Row> m = new HashMap<>();
      for (int i = 0; i < 1000; i++) m.put("k" + i, new Row("row " + i, new ArrayList<>(List.of(i, i + 1, i + 2)), i * 0.5));
      subject = m;
    }
    fstBytes = codec.encode(subject).copy();
    javaBytes = javaEncode(subject);
  }

  static byte[] javaEncode(Object o) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(o);
    }
    return out.toByteArray();
  }

  @Benchmark
  public Codec.Encoded fstEncode() throws Exception {
    return codec.encode(subject);
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
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(javaBytes))) {
      return in.readObject();
    }
  }
}
