package dev.hivelite.node.records;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Ids;

/**
 * PocketBase's {@code ?thumb=} images, made with java.awt and cached beside the original in
 * {@code thumbs_<filename>/<size>_<filename>} (where record updates delete them). Sizes:
 * {@code WxH} fill and crop from the centre, {@code WxHt}/{@code WxHb} from the top/bottom,
 * {@code WxHf} fit inside without cropping or enlarging, {@code 0xH}/{@code Wx0} keep the aspect.
 * Anything that cannot be made (a size not allowed, not an image, no reader) serves the original.
 * A JPEG is turned upright by its EXIF orientation first, as PocketBase decodes it.
 */
final class Thumbs {

    static {
        // Servers have no display; ImageIO and Graphics2D must never look for one.
        System.setProperty("java.awt.headless", "true");
    }

    private static final Logger LOG = Logger.getLogger(Thumbs.class.getName());

    /** Always allowed, whatever the field lists, as in PocketBase. */
    static final String DEFAULT_SIZE = "100x100";
    static final Pattern SIZE = Pattern.compile("^(\\d{1,4})x(\\d{1,4})([tbf])?$");
    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp");

    /** Bounds concurrent generation: decoding and scaling is CPU and memory heavy; shared by all requests. */
    private final Semaphore permits;
    private final Duration maxWait;

    Thumbs(int maxConcurrent, Duration maxWait) {
        this.permits = new Semaphore(maxConcurrent);
        this.maxWait = maxWait;
    }

    /**
     * The file to serve for {@code size}: the cached thumb, a new one, or {@code original} when the size is not
     * allowed, the file is no image, or generation fails. 503 when no generation slot frees in time.
     */
    Path serve(Path original, String filename, FileField field, String size, String contentType) {
        if (size == null || size.isEmpty() || !(DEFAULT_SIZE.equals(size) || field.thumbs().contains(size))
                || !IMAGE_TYPES.contains(contentType)) {
            return original;
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches() || (Integer.parseInt(m.group(1)) == 0 && Integer.parseInt(m.group(2)) == 0)) {
            return original;
        }
        Path thumb = original.getParent().resolve("thumbs_" + filename).resolve(size + "_" + filename);
        if (Files.isRegularFile(thumb)) {
            return thumb;
        }
        acquire();
        try {
            if (!Files.isRegularFile(thumb)) { // another request may have made it while this one waited
                // Decoding and scaling is long computation: off the request's carrier (see CpuWork).
                dev.hivelite.node.common.CpuWork.run(() -> {
                    create(original, thumb, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
                    return null;
                });
            }
            return thumb;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Fallback to original - failed to create thumb " + thumb, e);
            return original;
        } finally {
            permits.release();
        }
    }

    private void acquire() {
        try {
            if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ApiException.Unavailable("Too many thumbnails are being generated. Try again later.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("Too many thumbnails are being generated. Try again later.");
        }
    }

    /** Pixels decoded at most for one thumb: larger images are read subsampled (a 4,000 × 4,000 equivalent). */
    static final long MAX_DECODED_PIXELS = 16_000_000L;
    /** Images declaring more pixels than this get no thumb at all (the original is served): decompression bombs. */
    static final long MAX_SOURCE_PIXELS = 400_000_000L;

    static void create(Path original, Path thumb, int width, int height, String mode) throws IOException {
        BufferedImage src = ExifOrientation.upright(read(original), ExifOrientation.of(original));
        String format = format(thumb.getFileName().toString());
        BufferedImage out = scale(src, width, height, mode, "jpeg".equals(format));
        Files.createDirectories(thumb.getParent());
        Path temp = thumb.resolveSibling(".tmp-" + Ids.newId() + "-" + thumb.getFileName());
        try {
            if (!ImageIO.write(out, format, temp.toFile())) {
                ImageIO.write(out, "png", temp.toFile()); // no writer (e.g. webp): PNG, as PocketBase falls back
            }
            // Atomic, so a concurrent reader sees either no thumb or a whole one.
            Files.move(temp, thumb, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Decodes the image, reading its declared size first: a large image is decoded subsampled (every
     * n-th pixel of every n-th row), so that a small file declaring a huge image cannot fill the heap.
     */
    static BufferedImage read(Path original) throws IOException {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(original.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("no image reader for " + original.getFileName());
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_SOURCE_PIXELS) {
                    throw new IOException("image too large for a thumb: " + reader.getWidth(0) + "x" + reader.getHeight(0));
                }
                javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
                int step = (int) Math.ceil(Math.sqrt((double) pixels / MAX_DECODED_PIXELS));
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
    }

    static String format(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "jpeg";
        }
        return n.endsWith(".gif") ? "gif" : "png";
    }

    /** The scaled (and cropped) image; {@code opaque} for formats without alpha (JPEG). */
    static BufferedImage scale(BufferedImage src, int width, int height, String mode, boolean opaque) {
        int sw = src.getWidth();
        int sh = src.getHeight();
        double sx = 0;
        double sy = 0;
        double cw = sw;
        double ch = sh;
        int w = width;
        int h = height;
        if (w == 0) {
            w = Math.max(1, (int) Math.round((double) h * sw / sh));
        } else if (h == 0) {
            h = Math.max(1, (int) Math.round((double) w * sh / sw));
        } else if ("f".equals(mode)) {
            double ratio = Math.min(1.0, Math.min((double) w / sw, (double) h / sh));
            w = Math.max(1, (int) Math.round(sw * ratio));
            h = Math.max(1, (int) Math.round(sh * ratio));
        } else {
            double ratio = Math.max((double) w / sw, (double) h / sh);
            cw = w / ratio;
            ch = h / ratio;
            sx = (sw - cw) / 2;
            sy = "t".equals(mode) ? 0 : "b".equals(mode) ? sh - ch : (sh - ch) / 2;
        }
        BufferedImage out = new BufferedImage(w, h, opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, (int) Math.round(sx), (int) Math.round(sy), (int) Math.round(sx + cw),
                    (int) Math.round(sy + ch), null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
