package dev.hivelite.node.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.helidon.webserver.http.ServerRequest;

/** PocketBase's paging: {@code page} (from 1), {@code perPage} (default 30, at most 1000), {@code skipTotal}. */
record Page(int page, int perPage, boolean skipTotal) {

    static final int MAX_PER_PAGE = 1000;

    /**
     * A value that is not a whole number ({@code page}, {@code perPage}) or a boolean ({@code skipTotal})
     * is 400, as PocketBase's parser has it, with its generic message.
     */
    static Page of(ServerRequest req, int defaultPerPage) {
        int page = number(req.query().first("page").orElse(""), 1);
        int perPage = number(req.query().first("perPage").orElse(""), defaultPerPage);
        String skipTotal = req.query().first("skipTotal").orElse("");
        boolean skip = switch (skipTotal) {
            case "", "0", "f", "F", "false", "FALSE", "False" -> false;
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> throw new dev.hivelite.node.common.ApiException.BadRequest(dev.hivelite.node.common.ApiException.BadRequest.GENERIC);
        };
        return new Page(Math.max(1, page), Math.min(MAX_PER_PAGE, perPage < 1 ? defaultPerPage : perPage), skip);
    }

    private static int number(String s, int fallback) {
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(s);
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
        } catch (NumberFormatException e) {
            throw new dev.hivelite.node.common.ApiException.BadRequest(dev.hivelite.node.common.ApiException.BadRequest.GENERIC);
        }
    }

    long offset() {
        return (long) (page - 1) * perPage;
    }

    /** The answer shape; with skipTotal, totalItems and totalPages are -1. */
    Map<String, Object> result(List<?> items, long total) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("page", page);
        out.put("perPage", perPage);
        out.put("totalItems", skipTotal ? -1 : total);
        out.put("totalPages", skipTotal ? -1 : (total + perPage - 1) / perPage);
        return out;
    }

    /** One page of an in-memory list. */
    <T> List<T> slice(List<T> all) {
        int from = (int) Math.min(all.size(), offset());
        return all.subList(from, Math.min(all.size(), from + perPage));
    }
}
