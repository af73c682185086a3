@echo off
chcp 936 >nul
setlocal
title 设置 @TITLE@
rem 由 tools/make_bundle.py 生成：GBK 编码、Windows 换行（cmd.exe 按代码页 936 读中文）。
rem 作用于本文件所在的文件夹（它就是一次检查的活动文件夹）；把另一次检查的活动文件夹拖到本文件上，
rem 则作用于那个文件夹。用 pushd 进入，网络上的共享文件夹也能用。
set "PYTHONPATH="
set "PYTHONHOME="
set "PY=%~dp0venv\Scripts\python.exe"
if not exist "%PY%" goto notinstalled
"%PY%" "%~dp0process.py" --version >nul 2>nul
if errorlevel 1 goto unfinished
set "CAMPAIGN=%~1"
if "%~1"=="" set "CAMPAIGN=%~dp0."
pushd "%CAMPAIGN%" 2>nul
if errorlevel 1 goto nofolder
if exist "检查活动设置.xlsx" goto exists
set "SAMPLE=%~dp0config.toml"
if exist "config.toml" set "SAMPLE=config.toml"
echo 在“%CD%”生成“检查活动设置.xlsx”（以“%SAMPLE%”为样例），在 Excel 或 WPS 里设置本次检查……
echo.
"%PY%" "%~dp0process.py" setup --config "%SAMPLE%" --output .
if not "%errorlevel%"=="0" goto failed
echo.
echo ======================== 已生成“检查活动设置.xlsx” ========================
goto opened

:exists
echo 文件夹“%CD%”里已经有“检查活动设置.xlsx”。为免覆盖你改过的内容，这次没有重新生成。
echo 要重新生成，请先把它改名或删除，再双击本文件。

:opened
echo 已为你打开“检查活动设置.xlsx”：按本次检查的通知填好基本信息、被检查单位、检查组、考评细则
echo （考评细则可从通知附件直接粘贴），保存后关闭。
echo 之后双击“生成模板.bat”“汇总.bat”，都按这个表格运行；表格有写错的地方，它们会用一行中文说明在哪、怎么改。
start "" "%CAMPAIGN%\检查活动设置.xlsx"
goto end

:notinstalled
echo 还没有安装：请先双击“安装.bat”，看到“安装成功”后再双击本文件。
goto end

:unfinished
echo 安装没有完成（运行环境 venv 不完整，可能安装时被中断了）：请再双击一次“安装.bat”，
echo 看到“安装成功”后再双击本文件。
goto end

:nofolder
echo 打不开文件夹“%CAMPAIGN%”：请把一次检查的活动文件夹（不是其中的文件）拖到本文件上，
echo 或直接双击本文件处理本文件夹。
goto end

:failed
echo.
echo ======================== 设置失败 ========================
echo 原因见上面以“无法运行”或“程序出错”开头的一行。
echo 提示“程序出错”时，请把 output 文件夹里的“错误记录_……txt”发给维护人员。

:end
popd 2>nul
echo.
pause
