package io.memokit.storage.postgres;

import io.memokit.storage.Payload;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.CRC32C;
import org.postgresql.PGStatement;

/**
 * How a cell's payload is kept: up to {@link #INLINE_MAX} bytes in the cell's row ({@code payload},
 * one row read for a hit), larger ones in rows of {@code memokit.chunks} of {@link #CHUNK} bytes,
 * written and read one chunk at a time so that a value is never held twice in memory (the
 * caller's array is streamed to the server and filled from it). A CRC32C covers the payload, the
 * key's encoding and the row's description of them (id, length, codec, flags, state), so a damaged
 * byte anywhere is found on read.
 *
 * <p>Chunks rather than one {@code bytea} or a large object, which are no faster: the server caps
 * a {@code bytea} just under 1 GiB and the driver copies the whole array to send it (two copies in
 * memory, and in text format a read allocates several times the value); a large object needs a
 * grant per object for every reading role and an explicit unlink, and outlives a row deleted by
 * hand. Chunks are streamed (nothing allocated beyond the caller's array), take values of any size
 * a Java array holds, follow the schema's grants, and go with their row (a trigger). Larger chunks
 * are no faster. Reads ask for binary transfer.
 */
final class Payloads {

  static final int CHUNK = 1 << 20;
  /** Payloads up to this size are kept in their cell's row. */
  static final int INLINE_MAX = CHUNK;
  /** The flag of a payload whose decoded value every hit of a process may share. */
  static final int FLAG_SHAREABLE = 1;

  private Payloads() {}

  /** Checksum of a cell's payload bytes, key encoding and description. */
  static int crc(byte[] payload, int offset, long length, byte[] key, long cellId, int codec, int flags, int state) {
    CRC32C crc = new CRC32C();
    crc.update(payload, offset, (int) length);
    return finish(crc, key, cellId, length, codec, flags, state);
  }

  static int finish(CRC32C crc, byte[] key, long cellId, long length, int codec, int flags, int state) {
    if (key != null) crc.update(key);
    ByteBuffer header = ByteBuffer.allocate(8 + 8 + 2 + 4 + 2).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(cellId).putLong(length).putShort((short) codec).putInt(flags).putShort((short) state);
    crc.update(header.array());
    return (int) crc.getValue();
  }

  /** The number of chunks {@code p} is written in; 0 when it is kept in its row. */
  static int chunksOf(Payload p) {
    return p.length() <= INLINE_MAX ? 0 : (int) ((p.length() + (long) CHUNK - 1) / CHUNK);
  }

  /** Writes {@code p}'s chunks under {@code token}, streamed from its array one chunk at a time. */
  static void writeChunks(Connection c, long token, Payload p) throws SQLException {
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO memokit.chunks (token, seq, data) VALUES (?, ?, ?)")) {
      int seq = 0;
      for (long off = 0; off < p.length(); off += CHUNK, seq++) {
        int n = (int) Math.min(CHUNK, p.length() - off);
        ins.setLong(1, token);
        ins.setInt(2, seq);
        ins.setBinaryStream(3, new ByteArrayInputStream(p.bytes(), (int) off, n), n);
        ins.executeUpdate();
      }
    }
  }

  /** A payload whose stored bytes disagree with their description or checksum. */
  static final class Damaged extends Exception {
    private static final long serialVersionUID = 1L;

    Damaged(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads the {@code chunks} chunks of {@code token} into a new array of {@code length} bytes,
   * updating {@code crc}; the caller's transaction gives them one snapshot with their row.
   */
  static byte[] readChunks(Connection c, long token, long length, int chunks, CRC32C crc) throws SQLException, Damaged {
    if (length > Integer.MAX_VALUE - 16 || length < 0) throw new Damaged("its length " + length + " is impossible");
    byte[] out = new byte[(int) length];
    try (PreparedStatement q = c.prepareStatement("SELECT seq, data FROM memokit.chunks WHERE token = ? ORDER BY seq")) {
      binary(q);
      q.setFetchSize(1);
      q.setLong(1, token);
      int expected = 0;
      int off = 0;
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          byte[] data = r.getBytes(2);
          if (r.getInt(1) != expected || data.length > out.length - off) {
            throw new Damaged("its chunk " + r.getInt(1) + " is out of place or too long");
          }
          System.arraycopy(data, 0, out, off, data.length);
          crc.update(data);
          off += data.length;
          expected++;
        }
      }
      if (expected != chunks || off != length) {
        throw new Damaged("it has " + expected + " chunks of " + off + " bytes, its row says " + chunks + " of " + length);
      }
    }
    return out;
  }

  /** Asks the driver for binary results: a bytea then arrives as its bytes, not as hex text to decode. */
  static void binary(PreparedStatement q) throws SQLException {
    q.unwrap(PGStatement.class).setPrepareThreshold(-1);
  }
}
