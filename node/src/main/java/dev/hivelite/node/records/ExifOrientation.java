package dev.hivelite.node.records;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The EXIF orientation of a JPEG, and the image turned upright by it, as PocketBase's thumbs are
 * made (its image library decodes with auto-orientation): a phone photo is stored as the sensor
 * saw it with a tag that says how to turn it, and Java's decoder ignores that tag. Only the first
 * IFD of an {@code Exif} APP1 segment is read; anything unreadable means "as stored" (1).
 */
final class ExifOrientation {

    static final int AS_STORED = 1;
    private static final int ORIENTATION_TAG = 0x0112;
    /** Segments read before giving up: the APP1 segment comes right after SOI (and APP0) in practice. */
    private static final int MAX_SEGMENTS = 32;

    private ExifOrientation() {
    }

    /** The orientation tag (1 to 8) of the JPEG at {@code file}; 1 when it has none. */
    static int of(Path file) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readUnsignedShort() != 0xFFD8) {
                return AS_STORED;
            }
            for (int i = 0; i < MAX_SEGMENTS; i++) {
                int marker = in.readUnsignedShort();
                if ((marker & 0xFF00) != 0xFF00 || marker == 0xFFDA || marker == 0xFFD9) {
                    return AS_STORED; // image data starts: no EXIF before it
                }
                int length = in.readUnsignedShort() - 2;
                if (length < 0) {
                    return AS_STORED;
                }
                if (marker == 0xFFE1) {
                    byte[] segment = in.readNBytes(length);
                    int orientation = fromApp1(segment);
                    if (orientation != 0) {
                        return orientation;
                    }
                } else {
                    skip(in, length);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JPEG we can read the tag of: as stored
        }
        return AS_STORED;
    }

    private static void skip(InputStream in, long n) throws IOException {
        if (in.skip(n) != n) {
            throw new EOFException();
        }
    }

    /** The orientation in an APP1 segment that holds EXIF, or 0 when it holds none. */
    private static int fromApp1(byte[] segment) {
        if (segment.length < 14 || !new String(segment, 0, 6, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals("Exif\0\0")) {
            return 0;
        }
        ByteBuffer tiff = ByteBuffer.wrap(segment, 6, segment.length - 6).slice();
        if (tiff.get(0) == 'I' && tiff.get(1) == 'I') {
            tiff.order(ByteOrder.LITTLE_ENDIAN);
        } else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') {
            return 0;
        }
        int ifd = tiff.getInt(4);
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + i * 12;
            if ((tiff.getShort(entry) & 0xFFFF) == ORIENTATION_TAG) {
                int value = tiff.getShort(entry + 8) & 0xFFFF;
                return value >= 1 && value <= 8 ? value : AS_STORED;
            }
        }
        return 0;
    }

    /** {@code image} turned as {@code orientation} says: flips, quarter turns, and the two diagonal flips. */
    static BufferedImage upright(BufferedImage image, int orientation) {
        if (orientation <= AS_STORED || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h,
                image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }           // mirrored
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }   // upside down
                    case 4 -> { sx = x; sy = h - 1 - y; }           // mirrored upside down
                    case 5 -> { sx = y; sy = x; }                   // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }           // turned a quarter clockwise to be upright
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }   // transversed
                    default -> { sx = w - 1 - y; sy = x; }          // 8: a quarter counter-clockwise
                }
                out.setRGB(x, y, image.getRGB(sx, sy));
            }
        }
        return out;
    }
}
