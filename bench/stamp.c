/* The benchmark's job: its first instruction appends the wall-clock time (nanoseconds) and its
 * pid to the file named by its first argument, then it sleeps for the seconds given as the
 * second argument (negative: until killed), so that what is measured is Wurker, not the job. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (argc < 2) {
        return 2;
    }
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) {
        return 3;
    }
    dprintf(fd, "%lld%09ld %d\n", (long long)now.tv_sec, now.tv_nsec, (int)getpid());
    close(fd);
    if (argc > 2) {
        double seconds = atof(argv[2]);
        if (seconds < 0) {
            for (;;) {
                pause();
            }
        }
        struct timespec nap = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
        nanosleep(&nap, NULL);
    }
    return 0;
}
