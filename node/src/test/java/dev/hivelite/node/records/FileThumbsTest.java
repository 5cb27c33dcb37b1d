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

    @Test
    void rangesFollowRfc9110() {
        assertEquals("Range[start=2, length=3, partial=true]", FileService.range("bytes=2-4", 10).toString());
        assertEquals("Range[start=7, length=3, partial=true]", FileService.range("bytes=-3", 10).toString());
        assertEquals("Range[start=5, length=5, partial=true]", FileService.range("bytes=5-99", 10).toString());
        assertEquals("Range[start=0, length=10, partial=false]", FileService.range("bytes=0-1,4-5", 10).toString());
        assertEquals("Range[start=0, length=10, partial=false]", FileService.range("", 10).toString());
        assertNull(FileService.range("bytes=10-", 10));
    }
}
