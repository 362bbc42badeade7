/** RESP encoding and parsing of the commands the log holds (multibulks of bulk strings). */
package io.relog.log.resp;
