/* rl_data_file.h: a data set saved as a CSV file, whole or not at all. */
#ifndef RL_DATA_FILE_H
#define RL_DATA_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_data.h"

/* Write d to path as rl_data_write_csv_rows does (with `shortest` as
 * there) through
 * the output-file module (rl_output.h): a reader never sees half a file
 * and a failed write keeps an earlier file. False with err naming path. */
bool rl_data_save_csv(const struct rl_data *d, const char *path,
                      bool shortest, char *err, size_t errlen);

#endif
