/* data_file.c: data sets saved whole (see rl_data_file.h). */
#include "rl_data_file.h"

#include <errno.h>
#include <string.h>

#include "rl_output.h"

bool rl_data_save_csv(const struct rl_data *d, const char *path,
                      bool shortest, char *err, size_t errlen)
{
    struct rl_outfile of;
    if (!rl_outfile_open_path(&of, path, err, errlen))
        return false;
    errno = 0;
    if (!rl_data_write_csv_rows(d, of.f, shortest)) {
        int saved = errno ? errno : EIO;
        rl_outfile_abort(&of);
        snprintf(err, errlen, "writing '%s' failed: %s", path,
                 strerror(saved));
        return false;
    }
    return rl_outfile_commit(&of, err, errlen);
}
