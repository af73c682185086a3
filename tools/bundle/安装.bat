@echo off
chcp 936 >nul
setlocal
pushd "%~dp0"
title 安装 @TITLE@
rem 由 tools/make_bundle.py 生成：GBK 编码、Windows 换行（cmd.exe 按代码页 936 读中文）。
set "PYTHONPATH="
set "PYTHONHOME="
set "PIP_CONFIG_FILE=nul"
set "PIP_FIND_LINKS="
set "PIP_INDEX_URL="
set "PIP_EXTRA_INDEX_URL="
set "PIP_REQUIRE_VIRTUALENV="
echo 正在安装 @TITLE@。
echo 离线安装，不需要联网，约需一分钟。
echo.

set "PYCMD="
@FIND_PYTHON@if not defined PYCMD goto nopython
echo 找到 Python：
%PYCMD% --version

echo 正在建立运行环境（venv 文件夹）……
%PYCMD% -m venv --clear "%~dp0venv"
if not "%errorlevel%"=="0" goto failed
set "PY=%~dp0venv\Scripts\python.exe"
if not exist "%PY%" goto failed

echo 正在从 @WHEELS@ 文件夹安装程序包（不联网）……
"%PY%" -m pip install --no-index --find-links "%~dp0@WHEELS@" --disable-pip-version-check --no-warn-script-location --quiet @REQUIREMENT@
if not "%errorlevel%"=="0" goto failed

echo 正在检查安装结果……
"%PY%" process.py --version
if not "%errorlevel%"=="0" goto failed

echo.
echo ======================== 安装成功 ========================
echo 接下来双击“演示.bat”看一遍全流程（生成空白表格、模拟填报、汇总）。
echo 正式使用：双击“设置.bat”设置本次检查，再双击“生成模板.bat”“汇总.bat”。
echo 详细步骤见“使用说明.txt”。以后移动了这个文件夹或重装了 Python，再双击一次本文件即可。
goto end

:nopython
echo.
echo ================ 安装失败：没有找到合适的 Python ================
set "ANY="
call :any py -3
if not defined ANY call :any python
if defined ANY echo 这台电脑上的 Python 版本不合适：
if defined ANY %ANY% -c "import sys, sysconfig; print('  Python', sys.version.split()[0], sysconfig.get_platform())"
echo 本工具需要 64 位（win-amd64）的 Python，版本为 @VERSIONS@ 之一（推荐 @RECOMMENDED@）。
echo 请信息化管理人员（IT）安装：
echo   1. 在能上网的电脑上打开 https://www.python.org/downloads/windows/
echo      下载 Python @RECOMMENDED@ 的“Windows installer (64-bit)”，用 U 盘拷到这台电脑；
echo   2. 运行安装程序，勾选“Add python.exe to PATH”，点“Install Now”；
echo   3. 装好后再双击本文件“安装.bat”。
echo 本工具的其他部分都在这个文件夹里，安装时不需要联网。
goto end

:failed
echo.
echo ======================== 安装失败 ========================
echo 上面的英文提示说明了出错的原因。
echo 请确认已把压缩包完整解压（不要在压缩包里直接双击），关掉正在运行的演示、汇总窗口后，再双击一次本文件。
echo 仍然失败时，请把这个窗口截图发给维护人员。
goto end

:try
%* -c "import sys, sysconfig; sys.exit(0 if @RANGE@ and sysconfig.get_platform() == 'win-amd64' else 1)" >nul 2>nul
if "%errorlevel%"=="0" set "PYCMD=%*"
goto :eof

:any
%* -c "pass" >nul 2>nul
if "%errorlevel%"=="0" set "ANY=%*"
goto :eof

:end
echo.
pause
