#!/usr/bin/python3
"""Tests for sps_strip.py and the camera's --strip-vui-restriction:
/usr/bin/python3 -m unittest discover -s tests/tools -v

Expected SPS bytes were checked with ffmpeg's trace_headers bitstream filter (an independent parser):
bitstream_restriction_flag 0 (or vui_parameters_present_flag 0) and every other field unchanged.
"""

import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sps_strip  # noqa: E402

CAMERA = os.path.join(HERE, "rtsp_camera.py")


class StripTests(unittest.TestCase):
    CASES = [
        # (name, x264/OpenH264 SPS, without bitstream_restriction, without VUI)
        ("x264 baseline 320x240 5 fps",
         "6742c00bd90141fb0110000003001000000300a0f142a480",
         "6742c00bd90141fb0110000003001000000300a040",
         "6742c00bd90141f9"),
        ("x264 high 640x360 5 fps",
         "67640016acb201405ff2e022000003000200000300141e2c5c90",
         "67640016acb201405ff2e0220000030002000003001408",
         "67640016acb201405ff2a0"),
        ("OpenH264 constrained baseline 320x240",
         "6742c00b8c8d40a0f900f08846a0",
         "6742c00b8c8d40a0f90040",
         None),
    ]

    def test_strip(self):
        for name, sps, stripped, no_vui in self.CASES:
            with self.subTest(name=name):
                self.assertEqual(sps_strip.strip_sps(bytes.fromhex(sps)).hex(), stripped)
                if no_vui:
                    self.assertEqual(sps_strip.strip_sps(bytes.fromhex(sps), whole_vui=True).hex(), no_vui)

    def test_already_stripped_is_unchanged(self):
        for name, _, stripped, _ in self.CASES:
            with self.subTest(name=name):
                self.assertEqual(sps_strip.strip_sps(bytes.fromhex(stripped)).hex(), stripped)

    def test_annexb_rewrites_only_sps(self):
        sps, stripped = bytes.fromhex(self.CASES[0][1]), bytes.fromhex(self.CASES[0][2])
        pps, idr = bytes.fromhex("68cb83cb20"), bytes.fromhex("6588840021")
        stream = b"\x00\x00\x00\x01" + sps + b"\x00\x00\x00\x01" + pps + b"\x00\x00\x01" + idr
        want = b"\x00\x00\x00\x01" + stripped + b"\x00\x00\x00\x01" + pps + b"\x00\x00\x01" + idr
        self.assertEqual(sps_strip.strip_annexb(stream), want)


class CameraStripTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A missing tool fails these tests (test.sh installs it); a skip would pass CI without them.
        missing = [t for t in ("ffmpeg",) if shutil.which(t) is None]
        if missing:
            raise AssertionError(f"{', '.join(missing)} not installed: apt-get install ffmpeg")

    def test_camera_sends_sps_without_restriction(self):
        cam = subprocess.Popen([sys.executable, CAMERA, "--port", "0", "--fps", "10", "--strip-vui-restriction"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            url = None
            for line in cam.stdout:
                m = re.match(r"READY port=\d+ url=(\S+)", line)
                if m:
                    url = m.group(1)
                    break
            self.assertIsNotNone(url)
            trace = subprocess.run(
                ["ffmpeg", "-v", "trace", "-rtsp_transport", "tcp", "-timeout", "10000000", "-i", url,
                 "-frames:v", "5", "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"],
                capture_output=True, text=True, timeout=60).stderr
            flags = re.findall(r"bitstream_restriction_flag\s+\d = (\d)", trace)
            self.assertTrue(flags, "no SPS seen")
            self.assertEqual(set(flags), {"0"})
        finally:
            cam.terminate()
            cam.wait(10)


if __name__ == "__main__":
    unittest.main()
