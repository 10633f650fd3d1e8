package io.portcullis.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A node's resource use as its {@code /metrics} reports it: heap in use, live threads and open file
 * descriptors. When the node's process can be found (Linux: the process listening on its port, owned by
 * this user), a full GC is run in it first with {@code jcmd <pid> GC.run}, so that the heap figure is what
 * survives a collection and two figures can be compared.
 *
 * @param heapBytes {@code jvm_memory_used_bytes} summed over the heap pools
 * @param liveThreads {@code jvm_threads_live_threads}
 * @param openFiles {@code process_files_open_files}
 * @param afterGc whether the heap figure was taken right after a full GC
 */
record NodeFigures(long heapBytes, long liveThreads, long openFiles, boolean afterGc) {

    static NodeFigures of(GatewayNode node) {
        OptionalLong pid = pidListeningOn(node.port());
        boolean collected = pid.isPresent() && fullGc(pid.getAsLong());
        String metrics = new String(Http.get(node, "/metrics").body(), StandardCharsets.UTF_8);
        long heap = 0;
        long threads = -1;
        long files = -1;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += value(line);
            } else if (line.startsWith("jvm_threads_live_threads ")) {
                threads = value(line);
            } else if (line.startsWith("process_files_open_files ")) {
                files = value(line);
            }
        }
        return new NodeFigures(heap, threads, files, collected);
    }

    private static long value(String line) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Override
    public String toString() {
        return String.format(
                "heap %.1f MB%s, %d threads, %d open files",
                heapBytes / 1048576.0, afterGc ? " after GC" : "", liveThreads, openFiles);
    }

    /** The process holding the listening socket on {@code port}, from /proc; empty where there is no /proc. */
    static OptionalLong pidListeningOn(int port) {
        String inode = listeningInode(port);
        if (inode == null) {
            return OptionalLong.empty();
        }
        String socket = "socket:[" + inode + "]";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    if (fds.anyMatch(fd -> socket.equals(link(fd)))) {
                        return OptionalLong.of(
                                Long.parseLong(process.getFileName().toString()));
                    }
                } catch (IOException | SecurityException notOurs) {
                    // Another user's process, or gone.
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static String listeningInode(int port) {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    // local_address ends with the port; state 0A is LISTEN; field 9 is the inode.
                    if (fields.length > 9 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
                        return fields[9];
                    }
                }
            } catch (IOException e) {
                // No such table here.
            }
        }
        return null;
    }

    private static String link(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean fullGc(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(
                            Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), "GC.run")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
