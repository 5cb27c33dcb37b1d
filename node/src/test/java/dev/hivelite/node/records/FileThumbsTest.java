package dev.hivelite.node.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.ApiException;

/** Thumb geometry, the generation bound, and byte ranges, without a server. */
class FileThumbsTest {

    @TempDir
    Path dir;

    /** 100x200: the top half red, the bottom half blue. */
    private static BufferedImage tall() {
        BufferedImage image = new BufferedImage(100, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 100; x++) {
                image.setRGB(x, y, (y < 100 ? Color.RED : Color.BLUE).getRGB());
            }
        }
        return image;
    }

    private static FileField field(String... thumbs) {
        return new FileField(null, 1, 0, List.of(), List.of(thumbs), false, false);
    }

    @Test
    void cropFromTopKeepsTheTopAndFromBottomTheBottom() {
        assertEquals(Color.RED.getRGB(), Thumbs.scale(tall(), 50, 50, "t", true).getRGB(25, 40));
        assertEquals(Color.BLUE.getRGB(), Thumbs.scale(tall(), 50, 50, "b", true).getRGB(25, 10));
    }

    @Test
    void fitNeverEnlargesAndZeroKeepsTheAspect() {
        BufferedImage fit = Thumbs.scale(tall(), 400, 100, "f", false);
        assertEquals(List.of(50, 100), List.of(fit.getWidth(), fit.getHeight()));
        BufferedImage small = Thumbs.scale(tall(), 1000, 1000, "f", false);
        assertEquals(List.of(100, 200), List.of(small.getWidth(), small.getHeight()));
        BufferedImage byWidth = Thumbs.scale(tall(), 30, 0, null, false);
        assertEquals(List.of(30, 60), List.of(byWidth.getWidth(), byWidth.getHeight()));
    }

    @Test
    void noFreeGenerationSlotAnswers503() throws Exception {
        Path original = dir.resolve("a.png");
        ImageIO.write(tall(), "png", original.toFile());
        Thumbs busy = new Thumbs(0, Duration.ofMillis(20));
        ApiException e = assertThrows(ApiException.Unavailable.class,
                () -> busy.serve(original, "a.png", field(), "100x100", "image/png"));
        assertEquals(503, e.status());
    }

    @Test
    void jpegThumbIsAJpegAndUnreadableImageFallsBack() throws Exception {
        Path jpeg = dir.resolve("b.jpg");
        ImageIO.write(tall(), "jpeg", jpeg.toFile());
        Thumbs thumbs = new Thumbs(2, Duration.ofSeconds(1));
        Path thumb = thumbs.serve(jpeg, "b.jpg", field("10x10"), "10x10", "image/jpeg");
        assertEquals(dir.resolve("thumbs_b.jpg").resolve("10x10_b.jpg"), thumb);
        assertEquals("image/jpeg", FileTypes.detect(thumb, thumb.getFileName().toString(), null));
        Path broken = dir.resolve("c.png");
        Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        assertEquals(broken, thumbs.serve(broken, "c.png", field(), "100x100", "image/png"));
    }

    /** A 40x20 lossless WebP (cwebp -lossless): the top half red, the bottom half blue. */
    private static final String WEBP = "UklGRiYAAABXRUJQVlA4TBoAAAAvJ8AEAA8Q87//8x8OBALJ/tIDJBDR/xwEAA==";

    @Test
    void webpThumbIsAPngOfTheImage() throws Exception {
        Path webp = dir.resolve("d.webp");
        Files.write(webp, java.util.Base64.getDecoder().decode(WEBP));
        Thumbs thumbs = new Thumbs(2, Duration.ofSeconds(1));
        Path thumb = thumbs.serve(webp, "d.webp", field("20x20t"), "20x20t", "image/webp");
        assertEquals(dir.resolve("thumbs_d.webp").resolve("20x20t_d.webp"), thumb, "a thumb, not the original");
        assertEquals("image/png", FileTypes.detect(thumb, thumb.getFileName().toString(), null),
                "no WebP writer: stored as PNG, as PocketBase stores it");
        BufferedImage read = ImageIO.read(thumb.toFile());
        assertEquals(List.of(20, 20), List.of(read.getWidth(), read.getHeight()));
        assertEquals(Color.RED.getRGB(), read.getRGB(10, 5), "cropped from the top: red above");
        assertEquals(Color.BLUE.getRGB(), read.getRGB(10, 15), "and blue below");
    }

    @Test
    void aHugeDeclaredImageIsReadSubsampledOrNotAtAll() throws Exception {
        Thumbs thumbs = new Thumbs(2, Duration.ofSeconds(1));
        Path big = dir.resolve("big.png");
        Files.write(big, blackPng(8000, 8000)); // 64 megapixels from a file of a few hundred KiB
        Path thumb = thumbs.serve(big, "big.png", field(), "100x100", "image/png");
        assertEquals(dir.resolve("thumbs_big.png").resolve("100x100_big.png"), thumb, "thumbed, from a subsampled read");
        java.awt.image.BufferedImage read = ImageIO.read(thumb.toFile());
        assertEquals(100, read.getWidth());
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, blackPng(30000, 30000, 1)); // declares 900 megapixels; only one row follows
        assertEquals(bomb, thumbs.serve(bomb, "bomb.png", field(), "100x100", "image/png"), "the original, never decoded");
    }

    /** A black RGB PNG of {@code width} × {@code height}, its rows compressed as they are made. */
    private static byte[] blackPng(int width, int height) throws Exception {
        return blackPng(width, height, height);
    }

    private static byte[] blackPng(int width, int height, int rows) throws Exception {
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat)) {
            byte[] row = new byte[width * 3 + 1];
            for (int i = 0; i < rows; i++) {
                z.write(row);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void rangesFollowRfc9110() {
        assertEquals("Range[start=2, length=3, partial=true]", FileSender.range("bytes=2-4", 10).toString());
        assertEquals("Range[start=7, length=3, partial=true]", FileSender.range("bytes=-3", 10).toString());
        assertEquals("Range[start=5, length=5, partial=true]", FileSender.range("bytes=5-99", 10).toString());
        assertEquals("Range[start=0, length=10, partial=false]", FileSender.range("bytes=0-1,4-5", 10).toString());
        assertEquals("Range[start=0, length=10, partial=false]", FileSender.range("", 10).toString());
        assertNull(FileSender.range("bytes=10-", 10));
    }
}
